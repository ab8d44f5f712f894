// One bad input per failure mode: each must be an Error(kInput) naming the source, never a crash or a
// silently grey image.
#include <gtest/gtest.h>

#include <random>

#include "image/decode.h"
#include "image_fixtures.h"
#include "util/error.h"

namespace ofapt {
namespace {

using testing::image_fixture;
using testing::image_fixture_bytes;

// Decodes `bytes` as `source` and returns the error message; fails the test if no kInput error came.
std::string decode_error(const std::string& bytes, const std::string& source = "sample-17") {
  try {
    decode_image(bytes, source);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput) << e.what();
    EXPECT_NE(std::string(e.what()).find(source), std::string::npos) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for " << source;
  return "";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST(DecodeErrors, EmptyInput) { EXPECT_CONTAINS(decode_error(""), "empty"); }

TEST(DecodeErrors, RandomBytes) {
  std::mt19937 rng(3);
  std::string bytes(300, '\0');
  for (char& c : bytes) c = static_cast<char>(rng());
  bytes[0] = 'x';  // not accidentally a magic number
  EXPECT_CONTAINS(decode_error(bytes), "not a JPEG or PNG");
}

TEST(DecodeErrors, TextInsteadOfAnImage) { EXPECT_CONTAINS(decode_error("<html>404 Not Found</html>"), "3c 68 74 6d"); }

TEST(DecodeErrors, UnsupportedFormatIsNamed) {
  EXPECT_CONTAINS(decode_error(std::string("GIF89a\x01\x00\x01\x00", 10)), "GIF");
}

TEST(DecodeErrors, TruncatedJpeg) {
  for (const char* name : {"jpeg_rgb420.jpg", "jpeg_progressive.jpg"}) {
    const std::string bytes = image_fixture_bytes(name);
    for (size_t keep : {bytes.size() / 2, bytes.size() * 3 / 4, size_t{3}, size_t{40}}) {
      SCOPED_TRACE(std::string(name) + " cut to " + std::to_string(keep));
      EXPECT_CONTAINS(decode_error(bytes.substr(0, keep)), "JPEG");
    }
  }
}

TEST(DecodeErrors, JpegWithoutEndMarker) {
  // Pillow refuses it too ("image file is truncated").
  const std::string bytes = image_fixture_bytes("jpeg_rgb420.jpg");
  ASSERT_EQ(bytes.substr(bytes.size() - 2), "\xFF\xD9");
  EXPECT_CONTAINS(decode_error(bytes.substr(0, bytes.size() - 2)), "Premature end of JPEG file");
}

TEST(DecodeErrors, CorruptJpegHeader) {
  std::string bytes = image_fixture_bytes("jpeg_rgb420.jpg");
  const size_t sof = bytes.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  bytes[sof + 9] = 7;  // component count: 7 does not match the segment length
  EXPECT_CONTAINS(decode_error(bytes), "corrupt JPEG");
}

TEST(DecodeErrors, JpegScanCutShortByAMarker) {
  // The classic half-grey image: scan data stops early but the file still ends with EOI. libjpeg only warns
  // and fills the missing blocks; ofapt refuses.
  const std::string bytes = image_fixture_bytes("jpeg_rgb420.jpg");
  const size_t sos = bytes.find("\xFF\xDA");
  ASSERT_NE(sos, std::string::npos);
  const std::string cut = bytes.substr(0, (sos + bytes.size()) / 2) + "\xFF\xD9";
  EXPECT_CONTAINS(decode_error(cut), "corrupt JPEG");
}

TEST(DecodeErrors, TruncatedPng) {
  const std::string bytes = image_fixture_bytes("png_rgb.png");
  for (size_t keep : {bytes.size() / 2, size_t{8}, size_t{20}, size_t{40}}) {
    SCOPED_TRACE("cut to " + std::to_string(keep));
    EXPECT_CONTAINS(decode_error(bytes.substr(0, keep)), "corrupt PNG");
  }
}

TEST(DecodeErrors, CorruptPngHeader) {
  std::string bytes = image_fixture_bytes("png_rgb.png");
  bytes[18] ^= 0x40;  // a width byte inside IHDR: its CRC no longer matches
  EXPECT_CONTAINS(decode_error(bytes), "corrupt PNG");
}

TEST(DecodeErrors, CorruptPngImageData) {
  std::string bytes = image_fixture_bytes("png_rgb.png");
  const size_t idat = bytes.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  bytes[idat + 10] ^= 0x55;  // the chunk CRC catches it
  EXPECT_CONTAINS(decode_error(bytes), "corrupt PNG");
}

TEST(DecodeErrors, HugeDeclaredSide) {
  for (const char* name : {"bad_huge_side.png", "bad_huge_side.jpg"}) {
    SCOPED_TRACE(name);
    const std::string message = decode_error(image_fixture_bytes(name), name);
    EXPECT_CONTAINS(message, "20000");
    EXPECT_CONTAINS(message, std::to_string(kMaxImageSide));
  }
}

TEST(DecodeErrors, HugeDeclaredArea) {
  for (const char* name : {"bad_huge_area.png", "bad_huge_area.jpg"}) {
    SCOPED_TRACE(name);
    const std::string message = decode_error(image_fixture_bytes(name), name);
    EXPECT_CONTAINS(message, "12000x12000");
    EXPECT_CONTAINS(message, std::to_string(kMaxImagePixels));
  }
}

TEST(DecodeErrors, ReadImageNamesThePath) {
  const std::string path = image_fixture("decode_cases.txt");  // exists, but is text
  try {
    read_image(path);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_CONTAINS(std::string(e.what()), path);
  }
}

TEST(DecodeErrors, MutatedFilesDecodeOrFailCleanly) {
  // Random byte flips and cuts: each result is a full image or an Error(kInput), nothing else.
  std::mt19937 rng(29);
  for (const char* name : {"jpeg_rgb420.jpg", "jpeg_progressive.jpg", "jpeg_cmyk.jpg", "png_rgb.png",
                           "png_palette_trns.png", "png_interlaced.png", "png_rgb16.png"}) {
    const std::string original = image_fixture_bytes(name);
    for (int trial = 0; trial < 150; ++trial) {
      std::string bytes = original;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int i = 0; i < flips; ++i) bytes[3 + rng() % (bytes.size() - 3)] = static_cast<char>(rng());
      if (trial % 3 == 0) bytes.resize(3 + rng() % (bytes.size() - 3));
      try {
        const RgbImage image = decode_image(bytes, name);
        EXPECT_EQ(image.pixels.size(), static_cast<size_t>(image.width) * image.height * 3);
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kInput) << e.what();
      }
    }
  }
}

}  // namespace
}  // namespace ofapt
