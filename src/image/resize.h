// OFA's pixel preprocessing (ofa-spec section 7): PIL bicubic resize to S x S, then ToTensor + Normalize(0.5, 0.5).
#pragma once

#include <vector>

#include "image/rgb_image.h"

namespace ofapt {

// Bit-exact with Pillow's image.resize((out_w, out_h), Image.BICUBIC) on an 8-bit RGB image (Pillow 9.4,
// libImaging/Resample.c): separable, horizontal pass first then vertical, a pass skipped when its size is
// unchanged; Keys cubic (a = -0.5) widened by the downscale factor (antialiasing); coefficients computed in
// double, normalised, rounded to 22-bit fixed point; results rounded and clipped to 0..255 after each pass.
// Throws Error(kInput) for a non-positive or oversized target size.
RgbImage resize_bicubic(const RgbImage& image, int out_w, int out_h);

// CHW floats in [-1, 1]: (v / 255 - 0.5) / 0.5 computed in float, exactly as torchvision's ToTensor then
// Normalize(mean = std = 0.5). Size 3 * height * width.
std::vector<float> to_normalized_chw(const RgbImage& image);

}  // namespace ofapt
