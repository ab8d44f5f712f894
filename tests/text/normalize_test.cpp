// OFA's pre_caption / pre_question and punctuation stripping; expected values from CPython 3.11 running
// the reference code in data/ofa_dataset.py and caption_dataset.py.
#include <gtest/gtest.h>

#include "text/normalize.h"

namespace ofapt::text {
namespace {

TEST(Normalize, PreCaption) {
  EXPECT_EQ(pre_caption("A Man riding a Horse.", 80), "a man riding a horse.");
  EXPECT_EQ(pre_caption("..!?A <PERSON> on a bike-path/road", 80), "a person on a bike path road");
  EXPECT_EQ(pre_caption("  Two   spaces\tand\ttabs  ", 80), "two spaces\tand\ttabs");  // a lone tab stays
  EXPECT_EQ(pre_caption("one two three four five", 3), "one two three");
  EXPECT_EQ(pre_caption("Ends with newline\n", 80), "ends with newline");
  EXPECT_EQ(pre_caption("Ends with newlines \n\n", 80), "ends with newlines");
  EXPECT_EQ(pre_caption("~#:;*?!,. leading", 80), "leading");
  EXPECT_EQ(pre_caption("CafÉ İstanbul À", 80), "café i\u0307stanbul à");
  EXPECT_EQ(pre_caption("a\u00A0\u00A0b", 80), "a b");
  EXPECT_EQ(pre_caption("a\x1C\x1D"
                        "b",
                        80),
            "a b");  // re's \s includes the separators U+001C..U+001F
  EXPECT_EQ(pre_caption("no change", 0), "");
  EXPECT_EQ(pre_caption(",,,", 5), "");
  EXPECT_EQ(pre_caption("What is the <person> doing?", 80), "what is the person doing?");
  EXPECT_EQ(pre_caption("x - y", 80), "x y");
  EXPECT_EQ(pre_caption("", 80), "");
}

TEST(Normalize, PreQuestionKeepsPersonTags) {
  EXPECT_EQ(pre_question("..!?A <PERSON> on a bike-path/road", 80), "a <person> on a bike path road");
  EXPECT_EQ(pre_question("What is the <person> doing?", 80), "what is the <person> doing?");
  EXPECT_EQ(pre_question("  How MANY   dogs?\n", 2), "how many");
}

TEST(Normalize, RemovePunctuation) {
  EXPECT_EQ(remove_punctuation("A man, riding a horse."), "A man riding a horse");
  EXPECT_EQ(remove_punctuation("  \"quoted\" (text) \u00A0"), "quoted text");
  EXPECT_EQ(remove_punctuation("it's 5 o'clock!"), "its 5 oclock");
  EXPECT_EQ(remove_punctuation("\u3000x\u3000"), "x");
  EXPECT_EQ(remove_punctuation("¿qué?"), "¿qué");  // only ASCII punctuation goes
  EXPECT_EQ(remove_punctuation("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"), "");
}

TEST(Normalize, JoinWords) {
  EXPECT_EQ(join_words("  a  b\tc\n d "), "a b c d");
  EXPECT_EQ(join_words("  a  b\tc\n d ", 2), "a b");
  EXPECT_EQ(join_words("\u3000x\u2003y"), "x y");
  EXPECT_EQ(join_words("one two three", 0), "");
}

}  // namespace
}  // namespace ofapt::text
