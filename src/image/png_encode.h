// RgbImage -> PNG bytes (8-bit RGB, no interlace): for drawn outputs, synthetic images and tests.
#pragma once

#include <string>

#include "image/rgb_image.h"

namespace ofapt {

// Deterministic for a given image (fixed zlib level). Throws Error(kInternal) on an inconsistent image.
std::string encode_png(const RgbImage& image);

}  // namespace ofapt
