#include "image/synthetic.h"

#include <algorithm>

#include "image/decode.h"
#include "util/error.h"
#include "util/random.h"

namespace ofapt {
namespace {

struct Color {
  uint8_t r, g, b;
};

Color random_color(SplitMix64& rng) {
  return {static_cast<uint8_t>(rng.below(256)), static_cast<uint8_t>(rng.below(256)),
          static_cast<uint8_t>(rng.below(256))};
}

void put(RgbImage& image, int x, int y, Color color) {
  uint8_t* p = image.at(x, y);
  p[0] = color.r;
  p[1] = color.g;
  p[2] = color.b;
}

}  // namespace

RgbImage make_synthetic_image(int size, uint64_t seed) {
  OFAPT_CHECK(size >= 1 && size <= kMaxImageSide, ErrorKind::kInput, "synthetic image size ", size, " is outside 1..",
              kMaxImageSide);
  SplitMix64 rng(seed);
  RgbImage image(size, size);
  const Color from = random_color(rng);
  const Color to = random_color(rng);
  const int span = std::max(2 * (size - 1), 1);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const int t = x + y;  // 0 at the top-left corner, span at the bottom-right
      auto mix = [&](int a, int b) { return static_cast<uint8_t>((a * (span - t) + b * t) / span); };
      put(image, x, y, {mix(from.r, to.r), mix(from.g, to.g), mix(from.b, to.b)});
    }
  }
  const int shapes = 3 + rng.below(3);
  const int margin = size / 8;  // keep centres off the border so shapes stay mostly visible
  for (int s = 0; s < shapes; ++s) {
    const Color color = random_color(rng);
    const int cx = margin + rng.below(size - 2 * margin), cy = margin + rng.below(size - 2 * margin);
    const int extent = 1 + rng.below(std::max(size / 5, 1));  // half-width or radius
    const bool disc = rng.below(2) == 1;
    for (int y = std::max(cy - extent, 0); y <= std::min(cy + extent, size - 1); ++y) {
      for (int x = std::max(cx - extent, 0); x <= std::min(cx + extent, size - 1); ++x) {
        const int dx = x - cx, dy = y - cy;
        if (!disc || dx * dx + dy * dy <= extent * extent) put(image, x, y, color);
      }
    }
  }
  return image;
}

}  // namespace ofapt
