// UTF-8 stepping, Unicode classes and Python-compatible lowercasing (expected values from CPython 3.11).
#include <gtest/gtest.h>

#include "text/unicode.h"

namespace ofapt::text {
namespace {

TEST(Unicode, DecodesWellFormedCharacters) {
  const std::string text = "a\xC3\xA9\xE6\x97\xA5\xF0\x9F\x98\x80";  // a é 日 😀
  const char32_t expected[] = {U'a', U'é', U'日', U'😀'};
  size_t pos = 0;
  for (char32_t c : expected) {
    const Utf8Char ch = decode_utf8(text, pos);
    EXPECT_TRUE(ch.valid);
    EXPECT_EQ(ch.code_point, c);
    pos += ch.length;
  }
  EXPECT_EQ(pos, text.size());
}

TEST(Unicode, AppendUtf8IsTheInverseOfDecode) {
  for (char32_t c : {U'\0', U'~', U'\u0080', U'\u07FF', U'\u0800', U'\uFFFD', U'\U00010000', U'\U0010FFFF'}) {
    std::string bytes;
    append_utf8(c, bytes);
    const Utf8Char ch = decode_utf8(bytes, 0);
    EXPECT_TRUE(ch.valid);
    EXPECT_EQ(ch.code_point, c);
    EXPECT_EQ(ch.length, bytes.size());
  }
}

// bytes.decode("utf-8", errors="replace") replaces each maximal ill-formed subpart with one U+FFFD.
TEST(Unicode, ReplacesIllFormedSequencesLikePython) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(replace_invalid_utf8("\xE2\x82"
                                 "A"),
            r + "A");
  EXPECT_EQ(replace_invalid_utf8("\xF0\x80\x80"), r + r + r);          // overlong lead
  EXPECT_EQ(replace_invalid_utf8("\xED\xA0\x80"), r + r + r);          // surrogate
  EXPECT_EQ(replace_invalid_utf8("\xC0\xAF"), r + r);                  // never-valid lead
  EXPECT_EQ(replace_invalid_utf8("\xF4\x90\x80\x80"), r + r + r + r);  // above U+10FFFF
  EXPECT_EQ(replace_invalid_utf8("\xE2\x82"), r);                      // truncated at the end
  EXPECT_EQ(replace_invalid_utf8("ok\xFFok"), "ok" + r + "ok");
  EXPECT_EQ(replace_invalid_utf8("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");
}

TEST(Unicode, ClassifiesLettersNumbersAndSpaces) {
  for (char32_t c : {U'a', U'Z', U'é', U'ß', U'Ж', U'日', U'ア', U'한', U'\U00020000', U'ª'})
    EXPECT_TRUE(is_letter(c)) << c;
  for (char32_t c : {U'1', U'\u0301', U'_', U'😀', U' ', U'.'}) EXPECT_FALSE(is_letter(c)) << c;
  for (char32_t c : {U'0', U'9', U'²', U'½', U'\u0663', U'Ⅻ'}) EXPECT_TRUE(is_number(c)) << c;
  EXPECT_FALSE(is_number(U'a'));
  // White_Space (the regex module's \s) and str.isspace() differ on U+001C..U+001F only.
  for (char32_t c : {U' ', U'\t', U'\n', U'\r', U'\v', U'\f', U'\u0085', U'\u00A0', U'\u2003', U'\u3000'}) {
    EXPECT_TRUE(is_white_space(c)) << c;
    EXPECT_TRUE(is_python_space(c)) << c;
  }
  EXPECT_FALSE(is_white_space(U'\u001C'));
  EXPECT_TRUE(is_python_space(U'\u001C'));
  EXPECT_FALSE(is_white_space(U'\uFEFF'));  // JavaScript's \s has it; see docs/tokenizer.md
  EXPECT_FALSE(is_white_space(U'\u200B'));
}

TEST(Unicode, LowercasesLikePython) {
  EXPECT_EQ(to_lower("Hello WORLD 123"), "hello world 123");
  EXPECT_EQ(to_lower("ÀÉÎ"), "àéî");
  EXPECT_EQ(to_lower("İ"), "i\u0307");
  EXPECT_EQ(to_lower("ǅ"), "ǆ");
  EXPECT_EQ(to_lower("ПРИВЕТ"), "привет");
  EXPECT_EQ(to_lower("\u13A0"), "\uAB70");
  EXPECT_EQ(to_lower("ẞ"), "ß");
  EXPECT_EQ(to_lower("\u212A"), "k");  // Kelvin sign
  EXPECT_EQ(to_lower("ＡＢＣ"), "ａｂｃ");
  EXPECT_EQ(to_lower("\U00010400"), "\U00010428");
  EXPECT_EQ(to_lower("ΣΑΣ"), "σασ");  // Python gives "σας" (final sigma); a documented difference
  EXPECT_EQ(to_lower("A\xFFZ"), "a\xFFz");
}

TEST(Unicode, StripsPythonWhitespace) {
  EXPECT_EQ(strip_python_space("  a b \t\n"), "a b");
  EXPECT_EQ(strip_python_space("\u3000x\u00A0"), "x");
  EXPECT_EQ(strip_python_space("  a ", true, false), "a ");
  EXPECT_EQ(strip_python_space("  a ", false, true), "  a");
  EXPECT_EQ(strip_python_space(" \t "), "");
  EXPECT_EQ(strip_python_space(""), "");
}

}  // namespace
}  // namespace ofapt::text
