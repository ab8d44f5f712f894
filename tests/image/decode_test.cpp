// Decoding against Pillow: every fixture's pixels must equal Image.open(f).convert("RGB") byte for byte.
#include <gtest/gtest.h>

#include <random>

#include "image/decode.h"
#include "image/jpeg_encode.h"
#include "image/synthetic.h"
#include "image_fixtures.h"
#include "util/error.h"

namespace ofapt {
namespace {

using testing::image_fixture;
using testing::image_fixture_bytes;
using testing::image_manifest;

// Counts differing bytes, so a failure says how far off a decode is rather than dumping buffers.
size_t count_differences(const RgbImage& a, const RgbImage& b) {
  size_t differences = 0;
  for (size_t i = 0; i < a.pixels.size() && i < b.pixels.size(); ++i) differences += a.pixels[i] != b.pixels[i];
  return differences;
}

TEST(DecodeImage, MatchesPillowOnEveryFixture) {
  const auto cases = image_manifest("decode_cases.txt");
  ASSERT_GE(cases.size(), 20u);
  for (const auto& row : cases) {
    ASSERT_EQ(row.size(), 2u);
    SCOPED_TRACE(row[0]);
    const RgbImage decoded = read_image(image_fixture(row[0]));
    const RgbImage expected = read_image(image_fixture(row[1]));
    ASSERT_EQ(decoded.width, expected.width);
    ASSERT_EQ(decoded.height, expected.height);
    EXPECT_EQ(count_differences(decoded, expected), 0u) << "of " << expected.pixels.size() << " bytes";
  }
}

TEST(DecodeImage, GrayPngReplicatesTheLevel) {
  const RgbImage image = read_image(image_fixture("png_gray.png"));
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const uint8_t* p = image.at(x, y);
      ASSERT_EQ(p[0], p[1]);
      ASSERT_EQ(p[1], p[2]);
    }
  }
}

TEST(DecodeImage, SixteenBitGrayKeepsTheHighByte) {
  // Pillow would clip these to 0, 255, 255, 255 (mode I -> RGB); ofapt scales them (docs/images.md).
  const RgbImage image = read_image(image_fixture("png_gray16.png"));
  ASSERT_EQ(image.width, 4);
  ASSERT_EQ(image.height, 1);
  const uint8_t expected[] = {0, 1000 >> 8, 40000 >> 8, 65535 >> 8};
  for (int x = 0; x < 4; ++x) {
    for (int c = 0; c < 3; ++c) EXPECT_EQ(image.at(x, 0)[c], expected[x]) << "x=" << x;
  }
}

TEST(DecodeImage, AlphaIsDroppedNotComposited) {
  // png_rgba.png carries the same colours as png_rgb.png, with a varying alpha channel.
  const RgbImage rgba = read_image(image_fixture("png_rgba.png"));
  const RgbImage rgb = read_image(image_fixture("png_rgb.png"));
  EXPECT_EQ(rgba.pixels, rgb.pixels);
}

TEST(DecodeImage, JpegHasTheDeclaredSize) {
  const RgbImage image = read_image(image_fixture("jpeg_odd_size.jpg"));
  EXPECT_EQ(image.width, 17);
  EXPECT_EQ(image.height, 11);
  EXPECT_EQ(image.pixels.size(), 17u * 11 * 3);
}

TEST(ReadImageSize, ReadsTheHeaderOnly) {
  RgbImage image(301, 170);
  std::mt19937 noise(5);  // incompressible pixels, so the files are far longer than their headers
  for (auto& byte : image.pixels) byte = static_cast<uint8_t>(noise());
  for (const std::string& bytes : {encode_png(image), encode_jpeg(image)}) {
    // The first 1,500 bytes hold the header (JPEG: up to its scan); the pixels are cut off, unread.
    ASSERT_GT(bytes.size(), 10'000u);
    const ImageSize size = read_image_size(bytes.substr(0, 1500), "header");
    EXPECT_EQ(size.width, 301);
    EXPECT_EQ(size.height, 170);
    EXPECT_THROW(read_image_size(bytes.substr(0, 12), "cut header"), Error);
  }
  EXPECT_THROW(read_image_size("GIF89a......", "gif"), Error);
}

TEST(EncodePng, RoundTripsExactly) {
  for (int size : {1, 7, 64}) {
    const RgbImage image = make_synthetic_image(size, 11);
    const std::string png = encode_png(image);
    ASSERT_EQ(png.compare(0, 8, "\x89PNG\r\n\x1A\n"), 0);
    const RgbImage back = decode_image(png, "round trip");
    EXPECT_EQ(back.width, size);
    EXPECT_EQ(back.height, size);
    EXPECT_EQ(back.pixels, image.pixels);
  }
}

TEST(EncodePng, IsDeterministic) {
  const RgbImage image = make_synthetic_image(32, 5);
  EXPECT_EQ(encode_png(image), encode_png(image));
}

TEST(EncodePng, RejectsAnInconsistentImage) {
  RgbImage image(4, 4);
  image.pixels.pop_back();
  EXPECT_THROW(encode_png(image), Error);
}

TEST(ReadImage, MissingFileIsAnIoError) {
  try {
    read_image(image_fixture("no_such_image.png"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("no_such_image.png"), std::string::npos);
  }
}

}  // namespace
}  // namespace ofapt
