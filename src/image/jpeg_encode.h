// RgbImage -> JPEG bytes (baseline, 4:2:0, libjpeg's integer DCT): how the synthetic world stores its
// images, as OFA's TSVs do. Deterministic for a given image, quality and libjpeg build.
#pragma once

#include <string>

#include "image/rgb_image.h"

namespace ofapt {

// quality 1..100. Throws Error(kInternal) on an inconsistent image or an encoder failure.
std::string encode_jpeg(const RgbImage& image, int quality = 90);

}  // namespace ofapt
