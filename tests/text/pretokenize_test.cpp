// GPT-2's pre-tokenizer regex, on cases whose pieces came from Python's regex module.
#include <gtest/gtest.h>

#include "text/pretokenize.h"

namespace ofapt::text {
namespace {

std::vector<std::string> pieces(const std::string& text) {
  std::vector<std::string> out;
  for (std::string_view piece : pretokenize(text)) out.emplace_back(piece);
  return out;
}

using Pieces = std::vector<std::string>;

TEST(Pretokenize, MatchesTheGpt2Regex) {
  EXPECT_EQ(pieces("Hello world"), (Pieces{"Hello", " world"}));
  EXPECT_EQ(pieces("I'm here, they'll go"), (Pieces{"I", "'m", " here", ",", " they", "'ll", " go"}));
  EXPECT_EQ(pieces("'S 'sa''s"), (Pieces{"'", "S", " '", "sa", "''", "s"}));
  EXPECT_EQ(pieces("x 123 ...!"), (Pieces{"x", " 123", " ...!"}));
  EXPECT_EQ(pieces("日本語 text"), (Pieces{"日本語", " text"}));
}

TEST(Pretokenize, LeavesOneSpaceToLeadTheNextWord) {
  EXPECT_EQ(pieces("  two  spaces"), (Pieces{" ", " two", " ", " spaces"}));
  EXPECT_EQ(pieces("end   "), (Pieces{"end", "   "}));
  EXPECT_EQ(pieces("tab\tx"), (Pieces{"tab", "\t", "x"}));
  EXPECT_EQ(pieces("a\t\tb"), (Pieces{"a", "\t", "\t", "b"}));
  EXPECT_EQ(pieces("ab\n\ncd"), (Pieces{"ab", "\n", "\n", "cd"}));
  EXPECT_EQ(pieces("\u00A0a"), (Pieces{"\u00A0", "a"}));
  EXPECT_EQ(pieces(" \u3000b"), (Pieces{" ", "\u3000", "b"}));
}

TEST(Pretokenize, CombiningMarksAreNotLetters) {
  EXPECT_EQ(pieces("e\u0301te"), (Pieces{"e", "\u0301", "te"}));
  EXPECT_EQ(pieces("\u0301a"), (Pieces{"\u0301", "a"}));
}

TEST(Pretokenize, PiecesCoverArbitraryBytes) {
  const std::string text = "ok\xFF\xFE  x\xE2\x82";
  std::string joined;
  for (std::string_view piece : pretokenize(text)) joined += piece;
  EXPECT_EQ(joined, text);
  EXPECT_TRUE(pretokenize("").empty());
}

}  // namespace
}  // namespace ofapt::text
