#include <gtest/gtest.h>

#include <random>

#include "image/base64.h"
#include "image/decode.h"
#include "image_fixtures.h"
#include "util/error.h"

namespace ofapt {
namespace {

std::string base64_error(const std::string& text) {
  try {
    base64_decode(text, "row 9 image");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("row 9 image"), std::string::npos) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error for \"" << text << "\"";
  return "";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
}

TEST(Base64, UrlSafeAlphabet) {
  const std::string bytes("\xFB\xFF\xBF\xFE", 4);
  EXPECT_EQ(base64_encode(bytes), "+/+//g==");
  EXPECT_EQ(base64_encode(bytes, Base64Alphabet::kUrlSafe), "-_-__g==");
  EXPECT_EQ(base64_decode("-_-__g=="), bytes);
  EXPECT_EQ(base64_decode("+/+//g=="), bytes);
  EXPECT_EQ(base64_decode("-/+_/g"), bytes);  // mixed alphabets, no padding: Python accepts the mix too
}

TEST(Base64, RoundTripsRandomBytesInBothAlphabets) {
  std::mt19937 rng(1);
  for (size_t size = 0; size < 70; ++size) {
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    for (auto alphabet : {Base64Alphabet::kStandard, Base64Alphabet::kUrlSafe}) {
      const std::string text = base64_encode(bytes, alphabet);
      EXPECT_EQ(text.size() % 4, 0u);
      EXPECT_EQ(base64_decode(text), bytes);
      std::string unpadded = text;
      while (!unpadded.empty() && unpadded.back() == '=') unpadded.pop_back();
      EXPECT_EQ(base64_decode(unpadded), bytes);
    }
  }
}

TEST(Base64, PaddingIsOptionalOrPartial) {
  EXPECT_EQ(base64_decode("Zg"), "f");
  EXPECT_EQ(base64_decode("Zg="), "f");
  EXPECT_EQ(base64_decode("Zg=="), "f");
  EXPECT_EQ(base64_decode("Zm8"), "fo");
}

TEST(Base64, WhitespaceIsSkipped) { EXPECT_EQ(base64_decode("Zm9v\r\nYmFy\n"), "foobar"); }

TEST(Base64, InvalidCharacterIsReportedWithItsPosition) {
  EXPECT_CONTAINS(base64_error("Zm9v*mFy"), "'*' at position 4");
  EXPECT_CONTAINS(base64_error(std::string("Zm\0v", 4)), "byte 0x00 at position 2");
  EXPECT_CONTAINS(base64_error("Zm9v\tYm\xC3\xA9"), "byte 0xc3 at position 7");
}

TEST(Base64, MisplacedOrExcessPaddingIsAnError) {
  EXPECT_CONTAINS(base64_error("Zg==Zm8="), "padding '=' at position 2");
  EXPECT_CONTAINS(base64_error("Zm9v="), "too much base64 padding at position 4");
  EXPECT_CONTAINS(base64_error("Zg==="), "too much base64 padding");
}

TEST(Base64, ImpossibleLengthIsAnError) { EXPECT_CONTAINS(base64_error("Zm9vY"), "truncated base64"); }

TEST(Base64, DecodesAnImageColumnLikeOfaTsvs) {
  // OFA's TSVs hold base64.urlsafe_b64encode(jpeg_bytes): the path from a TSV field to pixels.
  const std::string jpeg = testing::image_fixture_bytes("jpeg_rgb420.jpg");
  const std::string field = base64_encode(jpeg, Base64Alphabet::kUrlSafe);
  const RgbImage image = decode_image(base64_decode(field, "row 1"), "row 1");
  EXPECT_EQ(image.pixels, decode_image(jpeg, "file").pixels);
}

}  // namespace
}  // namespace ofapt
