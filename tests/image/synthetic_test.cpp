#include <gtest/gtest.h>

#include <cstdint>

#include "image/synthetic.h"
#include "util/error.h"

namespace ofapt {
namespace {

// FNV-1a over the pixels: pins the picture so a platform or refactor change that alters it is noticed.
uint64_t fingerprint(const RgbImage& image) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (uint8_t byte : image.pixels) hash = (hash ^ byte) * 0x100000001b3ull;
  return hash;
}

TEST(SyntheticImage, IsDeterministic) {
  EXPECT_EQ(make_synthetic_image(64, 3).pixels, make_synthetic_image(64, 3).pixels);
}

TEST(SyntheticImage, SeedsDiffer) { EXPECT_NE(make_synthetic_image(32, 1).pixels, make_synthetic_image(32, 2).pixels); }

TEST(SyntheticImage, HasTheRequestedSize) {
  for (int size : {1, 2, 17, 64}) {
    const RgbImage image = make_synthetic_image(size, 0);
    EXPECT_EQ(image.width, size);
    EXPECT_EQ(image.height, size);
    EXPECT_EQ(image.pixels.size(), static_cast<size_t>(size) * size * 3);
  }
}

TEST(SyntheticImage, IsPinned) { EXPECT_EQ(fingerprint(make_synthetic_image(64, 3)), 8438596951901657307ull); }

TEST(SyntheticImage, RejectsBadSizes) {
  EXPECT_THROW(make_synthetic_image(0, 1), Error);
  EXPECT_THROW(make_synthetic_image(100000, 1), Error);
}

}  // namespace
}  // namespace ofapt
