// JPEG decoding with libjpeg(-turbo); used by decode_image, which picked the format.
#pragma once

#include <string>

#include "image/rgb_image.h"

namespace ofapt {

// Baseline or progressive; grayscale, YCbCr/RGB and CMYK/YCCK (Adobe-inverted, as PIL assumes).
RgbImage decode_jpeg(const std::string& bytes, const std::string& source_name);

// The size the JPEG header declares (checked by check_image_size), without decoding the pixels.
ImageSize jpeg_size(const std::string& bytes, const std::string& source_name);

}  // namespace ofapt
