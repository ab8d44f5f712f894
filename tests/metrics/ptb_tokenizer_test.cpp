#include <gtest/gtest.h>

#include "metrics/ptb_tokenizer.h"

namespace ofapt {
namespace {

// Every expected string below was also produced by CoreNLP 3.4.1's PTBTokenizer
// (-preserveLines -lowerCase, the jar pycocoevalcap pins) followed by pycocoevalcap's filter.

TEST(PtbTokenizer, SplitsContractionsAndPossessives) {
  EXPECT_EQ(ptb_tokenize("I don't think it's the cats' toy."), "i do n't think it 's the cats toy");
  EXPECT_EQ(ptb_tokenize("DON'T they'll we've I'm"), "do n't they 'll we 've i 'm");
  EXPECT_EQ(ptb_tokenize("I cannot, gonna go"), "i can not gon na go");
  // Curly apostrophes and quotes are normalized to PTB's ASCII forms first.
  EXPECT_EQ(ptb_tokenize("don\u2019t \u201cstop\u201d it\u2019s"), "do n't stop it 's");
}

TEST(PtbTokenizer, DropsCocoPunctuationAndQuotes) {
  EXPECT_EQ(ptb_tokenize("He said \"stop\", then 'go'!"), "he said stop then go");
  EXPECT_EQ(ptb_tokenize("Wait... a dog -- or a cat \u2014 here!?"), "wait a dog or a cat here !?");
  EXPECT_EQ(ptb_tokenize("  A dog sits.  "), "a dog sits");
  EXPECT_EQ(ptb_tokenize(""), "");
}

TEST(PtbTokenizer, KeepsLowercasedBracketTokensAsPycocoevalcapDoes) {
  // The filter lists "-LRB-", but -lowerCase has already made it "-lrb-", so it stays.
  EXPECT_EQ(ptb_tokenize("A dog (brown) on a mat [and] {more}."),
            "a dog -lrb- brown -rrb- on a mat -lsb- and -rsb- -lcb- more -rcb-");
  PtbTokenizerOptions keep_case;
  keep_case.lower_case = false;
  EXPECT_EQ(ptb_tokenize("A dog (brown).", keep_case), "A dog brown");
}

TEST(PtbTokenizer, KeepsHyphenatedWordsNumbersAndAbbreviations) {
  EXPECT_EQ(ptb_tokenize("A 2-year-old in a t-shirt holds 1,000 coins worth $3.50."),
            "a 2-year-old in a t-shirt holds 1,000 coins worth $ 3.50");
  EXPECT_EQ(ptb_tokenize("Main St. in the U.S. at 5 p.m."), "main st. in the u.s. at 5 p.m.");
  EXPECT_EQ(ptb_tokenize("A man's hat, etc."), "a man 's hat etc.");
  EXPECT_EQ(ptb_tokenize("The sign says no. 5 and 3.5-inch!!"), "the sign says no. 5 and 3.5-inch !!");
  // A mixed fraction is one token with a no-break space inside.
  EXPECT_EQ(ptb_tokenize("Mr. Smith's 1/2 cup, 2 1/2 cups & AT&T."),
            "mr. smith 's 1/2 cup 2\u00a01/2 cups & at&t");
}

TEST(PtbTokenizer, LooksAheadIntoTheNextCaptionLikeOneTokenizerRun) {
  // "B." before a line starting "A " is a sentence end, so the period splits off and is dropped;
  // alone (end of input) "b." is an abbreviation and keeps it.
  const std::vector<std::string> together = ptb_tokenize_captions({"the letter B.", "A dog sits."});
  EXPECT_EQ(together, (std::vector<std::string>{"the letter b", "a dog sits"}));
  EXPECT_EQ(ptb_tokenize("the letter B."), "the letter b.");
}

TEST(PtbTokenizer, KeepsOneLinePerCaptionEvenWithEmbeddedLineBreaks) {
  const std::vector<std::string> out = ptb_tokenize_captions({"a cat\non a mat", "", "two\r\ndogs"});
  EXPECT_EQ(out, (std::vector<std::string>{"a cat on a mat", "", "two dogs"}));
}

TEST(PtbTokenizer, PunctuationFilterCanBeTurnedOff) {
  PtbTokenizerOptions raw;
  raw.drop_punctuation = false;
  EXPECT_EQ(ptb_tokenize("Hi, \"you\" (there).", raw), "hi , `` you '' -lrb- there -rrb- .");
  EXPECT_TRUE(is_coco_punctuation("..."));
  EXPECT_TRUE(is_coco_punctuation("-LRB-"));
  EXPECT_FALSE(is_coco_punctuation("-lrb-"));
  EXPECT_FALSE(is_coco_punctuation("!?"));
}

}  // namespace
}  // namespace ofapt
