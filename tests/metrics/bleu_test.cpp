#include <gtest/gtest.h>

#include <cmath>

#include "metrics/bleu.h"
#include "util/error.h"

namespace ofapt {
namespace {

TEST(Bleu, IdenticalSentencesScoreOne) {
  const BleuResult r = bleu_score({"a man rides a horse"}, {{"a man rides a horse"}});
  // Each precision is (c + 1e-15) / (c + 1e-9), one to within 1e-9.
  for (double score : r.corpus) EXPECT_NEAR(score, 1.0, 1e-8);
  for (double score : r.per_image[0]) EXPECT_NEAR(score, 1.0, 1e-8);
}

TEST(Bleu, ShortCandidatePaysTheBrevityPenalty) {
  // Candidate 2 words, reference 6: all unigrams and the one bigram match, so p1 = p2 = 1;
  // BP = exp(1 - 6/2) = e^-2. BLEU-1 = e^-2 = 0.135335..., BLEU-2 = sqrt(1 * 1) * e^-2.
  // BLEU-3 has 0 of 0 trigrams: (0 + 1e-15) / (0 + 1e-9) = 1e-6, so BLEU-3 = (1e-6)^(1/3) * e^-2.
  const BleuResult r = bleu_score({"the cat"}, {{"the cat sat on the mat"}});
  EXPECT_NEAR(r.corpus[0], std::exp(-2.0), 1e-9);
  EXPECT_NEAR(r.corpus[1], std::exp(-2.0), 1e-9);
  EXPECT_NEAR(r.corpus[2], std::cbrt(1e-6) * std::exp(-2.0), 1e-9);
  EXPECT_DOUBLE_EQ(r.test_length, 2);
  EXPECT_DOUBLE_EQ(r.reference_length, 6);
}

TEST(Bleu, ClipsRepeatedWordsByTheReferenceCount) {
  // "the" x4 against a reference holding it once: p1 = 1/4; 4 >= 2 words, so no penalty.
  const BleuResult r = bleu_score({"the the the the"}, {{"the cat"}});
  EXPECT_NEAR(r.corpus[0], 0.25, 1e-9);
}

TEST(Bleu, PicksTheClosestReferenceLengthAndTheShorterOnATie) {
  // Candidate 4 words; references of 3 and 5 words are equally close: 3 is taken, so there is
  // no brevity penalty (5 would give exp(1 - 5/4)). Every unigram matches: BLEU-1 = 1.
  const BleuResult r = bleu_score({"a b c d"}, {{"a b c", "a b c d e"}});
  EXPECT_DOUBLE_EQ(r.reference_length, 3);
  EXPECT_NEAR(r.corpus[0], 1.0, 1e-8);
}

TEST(Bleu, CorpusScorePoolsCountsRatherThanAveragingSentences) {
  // Sentence 1: 2 of 2 unigrams match; sentence 2: 0 of 2. Pooled p1 = 2/4 and the lengths
  // (4 vs 4) give no penalty, so corpus BLEU-1 = 0.5, while the sentences score 1 and ~0.
  const BleuResult r = bleu_score({"a b", "x y"}, {{"a b"}, {"c d"}});
  EXPECT_NEAR(r.corpus[0], 0.5, 1e-9);
  EXPECT_NEAR(r.per_image[0][0], 1.0, 1e-8);
  EXPECT_NEAR(r.per_image[1][0], 0.0, 1e-9);
}

TEST(Bleu, RejectsMismatchedOrEmptyInput) {
  EXPECT_THROW(bleu_score({"a"}, {}), Error);
  EXPECT_THROW(bleu_score({"a"}, {{}}), Error);
  EXPECT_THROW(bleu_score({}, {}), Error);
}

}  // namespace
}  // namespace ofapt
