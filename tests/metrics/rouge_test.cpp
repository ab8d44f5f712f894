#include <gtest/gtest.h>

#include "metrics/rouge.h"
#include "util/error.h"

namespace ofapt {
namespace {

TEST(RougeL, LongestCommonSubsequence) {
  EXPECT_EQ(lcs_length({"a", "b", "c", "d", "e"}, {"a", "c", "e"}), 3u);
  EXPECT_EQ(lcs_length({"a", "b"}, {"b", "a"}), 1u);
  EXPECT_EQ(lcs_length({}, {"a"}), 0u);
}

TEST(RougeL, WeighsRecallWithBetaOnePointTwo) {
  // LCS("the cat on mat", "the cat sat on the mat") = 4: P = 4/4, R = 4/6.
  // F = (1 + 1.44) * 1 * (2/3) / (2/3 + 1.44 * 1) = 1.626667 / 2.106667 = 0.772152.
  const double f = rouge_l("the cat on mat", {"the cat sat on the mat"});
  EXPECT_NEAR(f, 2.44 * (2.0 / 3.0) / (2.0 / 3.0 + 1.44), 1e-12);
  EXPECT_NEAR(f, 0.772152, 1e-6);
}

TEST(RougeL, TakesBestPrecisionAndBestRecallFromDifferentReferences) {
  // Reference 1 gives P = 2/4, R = 2/2; reference 2 gives P = 4/4, R = 4/8. pycocoevalcap
  // combines max P = 1 with max R = 1, so F = 1 though no single reference matches fully.
  EXPECT_NEAR(rouge_l("a b c d", {"a b", "a b c d e f g h"}), 1.0, 1e-12);
}

TEST(RougeL, EmptyCandidateScoresZeroAndCorpusIsTheMean) {
  EXPECT_EQ(rouge_l("", {"a b"}), 0.0);
  const RougeResult r = rouge_l_score({"a b", ""}, {{"a b"}, {"a b"}});
  EXPECT_NEAR(r.per_image[0], 1.0, 1e-12);
  EXPECT_NEAR(r.corpus, 0.5, 1e-12);
  EXPECT_THROW(rouge_l_score({"a"}, {}), Error);
  EXPECT_THROW(rouge_l("a", {}), Error);
}

}  // namespace
}  // namespace ofapt
