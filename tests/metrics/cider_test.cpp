#include <gtest/gtest.h>

#include <cmath>

#include "metrics/cider.h"
#include "util/error.h"

namespace ofapt {
namespace {

TEST(CiderD, CandidateEqualToEveryReferenceOfFourWordsScoresTen) {
  // Two images, so idf = log(2) - log(df) with df = 1 for every n-gram: every weight is log 2.
  // Candidate = reference gives cosine 1 for n = 1..4 and no length penalty: mean 1, times 10.
  const CiderResult r = cider_d_score({"a b c d", "e f g h"}, {{"a b c d", "a b c d"}, {"e f g h"}});
  EXPECT_NEAR(r.per_image[0], 10.0, 1e-12);
  EXPECT_NEAR(r.per_image[1], 10.0, 1e-12);
  EXPECT_NEAR(r.corpus, 10.0, 1e-12);
}

TEST(CiderD, ShortSentencesCannotReachTenBecauseMissingOrdersCountZero) {
  // Two-word sentences have no 3- or 4-grams: per reference [1, 1, 0, 0], mean 0.5, times 10 = 5.
  const CiderResult r = cider_d_score({"a b", "c d"}, {{"a b", "a b"}, {"c d", "c d"}});
  EXPECT_NEAR(r.per_image[0], 5.0, 1e-12);
  EXPECT_NEAR(r.corpus, 5.0, 1e-12);
}

TEST(CiderD, NgramsInEveryImageWeighNothing) {
  // "the" appears in both images' references: weight log 2 - log 2 = 0, so a candidate made of
  // it alone has a zero vector and scores 0.
  const CiderResult r = cider_d_score({"the dog", "the"}, {{"the dog"}, {"the cat"}});
  EXPECT_NEAR(r.per_image[1], 0.0, 1e-12);
  // Image 0: unigrams {the: 0, dog: log2} on both sides -> cosine 1; bigram cosine 1 -> 5.
  EXPECT_NEAR(r.per_image[0], 5.0, 1e-12);
}

TEST(CiderD, AppliesTheGaussianLengthPenaltyOnBigramCounts) {
  // Candidate "a b c d" (3 bigrams) against "a b c d e f" (5 bigrams) in a 2-image set. All
  // weights are log 2, so the cosine per n is (#shared n-grams) / sqrt(#cand * #ref):
  // 4/sqrt(4*6), 3/sqrt(3*5), 2/sqrt(2*4), 1/sqrt(1*3); penalty exp(-(3-5)^2 / (2*6^2)).
  const CiderResult r = cider_d_score({"a b c d", "x y"}, {{"a b c d e f"}, {"x y"}});
  const double mean = (4 / std::sqrt(24.0) + 3 / std::sqrt(15.0) + 2 / std::sqrt(8.0) + 1 / std::sqrt(3.0)) / 4;
  EXPECT_NEAR(r.per_image[0], 10 * mean * std::exp(-4.0 / 72.0), 1e-12);
}

TEST(CiderD, ClipsTheCandidateTermFrequencyAtTheReference) {
  // "a a" vs "a b" (other image "c d"): unigram weights cand {a: 2L}, ref {a: L, b: L}, L = log 2.
  // Clipped dot product min(2L, L) * L = L^2; norms 2L and sqrt(2) L: cosine 1/(2 sqrt 2).
  // Bigrams "a a" vs "a b" share nothing: 0. Equal bigram counts: no penalty.
  const CiderResult r = cider_d_score({"a a", "c d"}, {{"a b"}, {"c d"}});
  EXPECT_NEAR(r.per_image[0], 10 * (1 / (2 * std::sqrt(2.0))) / 4, 1e-12);
}

TEST(CiderD, RejectsMismatchedOrEmptyInput) {
  EXPECT_THROW(cider_d_score({"a"}, {{"a"}, {"b"}}), Error);
  EXPECT_THROW(cider_d_score({"a"}, {{}}), Error);
}

}  // namespace
}  // namespace ofapt
