// Resize: byte-exact against Pillow's Image.resize(..., BICUBIC) outputs committed under tests/data/image/.
#include <gtest/gtest.h>

#include "image/decode.h"
#include "image/resize.h"
#include "image_fixtures.h"
#include "util/error.h"

namespace ofapt {
namespace {

using testing::image_fixture;

TEST(ResizeBicubic, MatchesPillowByteForByte) {
  const auto cases = testing::image_manifest("resize_cases.txt");
  ASSERT_GE(cases.size(), 10u);
  for (const auto& row : cases) {
    ASSERT_EQ(row.size(), 4u);
    SCOPED_TRACE(row[1]);
    const RgbImage input = read_image(image_fixture(row[0]));
    const RgbImage expected = read_image(image_fixture(row[1]));
    const RgbImage resized = resize_bicubic(input, std::stoi(row[2]), std::stoi(row[3]));
    ASSERT_EQ(resized.width, expected.width);
    ASSERT_EQ(resized.height, expected.height);
    size_t differences = 0, first = 0;
    for (size_t i = 0; i < expected.pixels.size(); ++i) {
      if (resized.pixels[i] != expected.pixels[i] && differences++ == 0) first = i;
    }
    EXPECT_EQ(differences, 0u) << "first at byte " << first << ": " << int(resized.pixels[first]) << " vs Pillow "
                               << int(expected.pixels[first]);
  }
}

TEST(ResizeBicubic, SameSizeIsACopy) {
  const RgbImage input = read_image(image_fixture("noise_37x23.png"));
  EXPECT_EQ(resize_bicubic(input, 37, 23).pixels, input.pixels);
}

TEST(ResizeBicubic, ConstantImageStaysConstant) {
  RgbImage input(13, 7);
  for (size_t i = 0; i < input.pixels.size(); i += 3) {
    input.pixels[i] = 200;
    input.pixels[i + 1] = 3;
    input.pixels[i + 2] = 255;
  }
  for (auto [w, h] : {std::pair{40, 40}, std::pair{3, 2}, std::pair{13, 30}}) {
    const RgbImage out = resize_bicubic(input, w, h);
    for (size_t i = 0; i < out.pixels.size(); i += 3) {
      ASSERT_EQ(out.pixels[i], 200);
      ASSERT_EQ(out.pixels[i + 1], 3);
      ASSERT_EQ(out.pixels[i + 2], 255);
    }
  }
}

TEST(ResizeBicubic, RejectsBadTargetSizes) {
  const RgbImage input(4, 4);
  EXPECT_THROW(resize_bicubic(input, 0, 4), Error);
  EXPECT_THROW(resize_bicubic(input, 4, -1), Error);
  EXPECT_THROW(resize_bicubic(input, kMaxImageSide + 1, 4), Error);
  EXPECT_THROW(resize_bicubic(RgbImage(), 4, 4), Error);
}

TEST(ToNormalizedChw, MatchesToTensorThenNormalize) {
  RgbImage image(2, 1);
  const uint8_t values[] = {0, 255, 128, 1, 254, 64};
  std::copy(values, values + 6, image.pixels.begin());
  const std::vector<float> chw = to_normalized_chw(image);
  ASSERT_EQ(chw.size(), 6u);
  // Channel-major: (c, y, x) at c * H * W + y * W + x; pixel 0 is (0, 255, 128), pixel 1 is (1, 254, 64).
  const uint8_t order[] = {0, 1, 255, 254, 128, 64};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(chw[i], (order[i] / 255.0f - 0.5f) / 0.5f) << i;
  EXPECT_EQ(chw[0], -1.0f);
  EXPECT_EQ(chw[2], 1.0f);
  EXPECT_FLOAT_EQ(chw[4], 0.003921628f);  // 128/255*2-1, in float as torchvision computes it
}

}  // namespace
}  // namespace ofapt
