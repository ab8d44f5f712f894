// A tiny deterministic procedural picture for smoke jobs and tests: no image files needed.
#pragma once

#include <cstdint>

#include "image/rgb_image.h"

namespace ofapt {

// size x size: a two-colour diagonal gradient background with a few solid rectangles and discs on top.
// Integer arithmetic and a fixed PRNG (splitmix64), so the pixels are identical on every platform.
// Throws Error(kInput) unless 1 <= size <= kMaxImageSide.
RgbImage make_synthetic_image(int size, uint64_t seed);

}  // namespace ofapt
