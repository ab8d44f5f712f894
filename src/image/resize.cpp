#include "image/resize.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include "image/decode.h"
#include "util/error.h"

namespace ofapt {
namespace {

// Fixed point of the coefficients: 8 bits of pixel and 2 bits of headroom (negative lobes, sums > 1) in 32.
constexpr int kPrecisionBits = 32 - 8 - 2;
constexpr double kBicubicSupport = 2.0;

// Keys' cubic convolution kernel with a = -0.5, written in Pillow's operation order: the coefficients are
// rounded to fixed point later, so a different (even algebraically equal) order could flip a last bit.
double bicubic_kernel(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

// For each output position along one axis: the first input index, how many inputs it reads, and their
// fixed-point weights (taps[i * max_taps + k]).
struct ResampleWeights {
  int max_taps = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<int32_t> taps;
};

ResampleWeights bicubic_weights(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);  // widen the kernel only when shrinking
  const double support = kBicubicSupport * filter_scale;
  ResampleWeights weights;
  weights.max_taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  weights.first.resize(out_size);
  weights.count.resize(out_size);
  weights.taps.assign(static_cast<size_t>(out_size) * weights.max_taps, 0);
  std::vector<double> window(weights.max_taps);
  for (int i = 0; i < out_size; ++i) {
    const double center = (i + 0.5) * scale;  // output pixel centre, in input coordinates
    // The casts truncate like Pillow's; a negative start is clamped to 0 either way.
    const int lo = std::max(static_cast<int>(center - support + 0.5), 0);
    const int hi = std::min(static_cast<int>(center + support + 0.5), in_size);
    const int n = hi - lo;
    double total = 0.0;
    for (int k = 0; k < n; ++k) {
      window[k] = bicubic_kernel((k + lo - center + 0.5) * (1.0 / filter_scale));
      total += window[k];
    }
    int32_t* taps = &weights.taps[static_cast<size_t>(i) * weights.max_taps];
    for (int k = 0; k < n; ++k) {
      const double w = (total != 0.0 ? window[k] / total : window[k]) * (1 << kPrecisionBits);
      taps[k] = static_cast<int32_t>(w < 0 ? w - 0.5 : w + 0.5);  // round half away from zero
    }
    weights.first[i] = lo;
    weights.count[i] = n;
  }
  return weights;
}

// Rounds away the fixed-point fraction (the sum started at one half) and clips to a byte.
inline uint8_t clip_to_byte(int32_t sum) {
  const int32_t value = sum >> kPrecisionBits;  // arithmetic shift: floor
  return static_cast<uint8_t>(value < 0 ? 0 : value > 255 ? 255 : value);
}

// Output rows [0, out.height) come from input rows [row_offset, row_offset + out.height).
void resample_horizontal(const RgbImage& in, int row_offset, const ResampleWeights& weights, RgbImage& out) {
  for (int y = 0; y < out.height; ++y) {
    const uint8_t* row = in.at(0, y + row_offset);
    uint8_t* dst = out.at(0, y);
    for (int x = 0; x < out.width; ++x, dst += 3) {
      const int32_t* taps = &weights.taps[static_cast<size_t>(x) * weights.max_taps];
      const uint8_t* src = row + static_cast<size_t>(weights.first[x]) * 3;
      int32_t r = 1 << (kPrecisionBits - 1), g = r, b = r;
      for (int k = 0; k < weights.count[x]; ++k, src += 3) {
        r += src[0] * taps[k];
        g += src[1] * taps[k];
        b += src[2] * taps[k];
      }
      dst[0] = clip_to_byte(r);
      dst[1] = clip_to_byte(g);
      dst[2] = clip_to_byte(b);
    }
  }
}

// weights.first is relative to the first row of `in`.
void resample_vertical(const RgbImage& in, const ResampleWeights& weights, RgbImage& out) {
  const size_t stride = static_cast<size_t>(in.width) * 3;
  for (int y = 0; y < out.height; ++y) {
    const int32_t* taps = &weights.taps[static_cast<size_t>(y) * weights.max_taps];
    const uint8_t* column = in.at(0, weights.first[y]);
    uint8_t* dst = out.at(0, y);
    for (size_t i = 0; i < stride; ++i) {
      int32_t sum = 1 << (kPrecisionBits - 1);
      const uint8_t* src = column + i;
      for (int k = 0; k < weights.count[y]; ++k, src += stride) sum += *src * taps[k];
      dst[i] = clip_to_byte(sum);
    }
  }
}

}  // namespace

RgbImage resize_bicubic(const RgbImage& image, int out_w, int out_h) {
  OFAPT_CHECK(
      image.width > 0 && image.height > 0 && image.pixels.size() == static_cast<size_t>(image.width) * image.height * 3,
      ErrorKind::kInternal, "resize_bicubic: inconsistent image ", image.width, "x", image.height, " with ",
      image.pixels.size(), " bytes");
  OFAPT_CHECK(out_w > 0 && out_h > 0 && out_w <= kMaxImageSide && out_h <= kMaxImageSide &&
                  static_cast<int64_t>(out_w) * out_h <= kMaxImagePixels,
              ErrorKind::kInput, "resize_bicubic: bad target size ", out_w, "x", out_h);
  const bool horizontal = out_w != image.width;
  const bool vertical = out_h != image.height;
  if (!horizontal && !vertical) return image;

  ResampleWeights vertical_weights = bicubic_weights(image.height, out_h);
  // Only the input rows the vertical pass reads go through the horizontal pass (as in Pillow).
  const int first_row = vertical ? vertical_weights.first.front() : 0;
  const int end_row = vertical ? vertical_weights.first.back() + vertical_weights.count.back() : image.height;
  const RgbImage* source = &image;
  RgbImage stretched;
  if (horizontal) {
    stretched = RgbImage(out_w, end_row - first_row);
    resample_horizontal(image, first_row, bicubic_weights(image.width, out_w), stretched);
    for (int& first : vertical_weights.first) first -= first_row;
    source = &stretched;
  }
  if (!vertical) return stretched;
  RgbImage out(out_w, out_h);
  resample_vertical(*source, vertical_weights, out);
  return out;
}

std::vector<float> to_normalized_chw(const RgbImage& image) {
  static const std::array<float, 256> lookup = [] {
    std::array<float, 256> table{};
    for (int v = 0; v < 256; ++v) table[v] = (static_cast<float>(v) / 255.0f - 0.5f) / 0.5f;
    return table;
  }();
  const size_t plane = static_cast<size_t>(image.width) * image.height;
  OFAPT_CHECK(image.pixels.size() == plane * 3, ErrorKind::kInternal, "to_normalized_chw: inconsistent image ",
              image.width, "x", image.height, " with ", image.pixels.size(), " bytes");
  std::vector<float> out(plane * 3);
  for (size_t i = 0; i < plane; ++i) {
    for (int c = 0; c < 3; ++c) out[c * plane + i] = lookup[image.pixels[i * 3 + c]];
  }
  return out;
}

}  // namespace ofapt
