// PNG decoding with libpng; used by decode_image, which picked the format.
#pragma once

#include <string>

#include "image/rgb_image.h"

namespace ofapt {

// Every PNG layout: gray/palette/RGB, with or without alpha or tRNS, 1-16 bits, interlaced or not.
RgbImage decode_png(const std::string& bytes, const std::string& source_name);

// The size the PNG header declares (checked by check_image_size), without decoding the pixels.
ImageSize png_size(const std::string& bytes, const std::string& source_name);

}  // namespace ofapt
