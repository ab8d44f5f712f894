// The one in-memory picture of the image layer: 8-bit RGB, row-major, interleaved (HWC).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ofapt {

struct ImageSize {
  int width = 0;
  int height = 0;
};

struct RgbImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // height * width * 3 bytes: row y, column x, channel c at (y * width + x) * 3 + c

  RgbImage() = default;
  // A black image of the given size.
  RgbImage(int w, int h) : width(w), height(h), pixels(static_cast<size_t>(w) * h * 3, 0) {}

  uint8_t* at(int x, int y) { return pixels.data() + (static_cast<size_t>(y) * width + x) * 3; }
  const uint8_t* at(int x, int y) const { return pixels.data() + (static_cast<size_t>(y) * width + x) * 3; }
};

}  // namespace ofapt
