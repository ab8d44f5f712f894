#include <gtest/gtest.h>

#include "metrics/caption_scores.h"
#include "util/error.h"

namespace ofapt {
namespace {

// Golden values from pycocoevalcap (salaniz/pycocoevalcap bleu/cider/rouge scorers) run on the
// output of CoreNLP 3.4.1's PTBTokenizer for exactly these captions.
TEST(CaptionScores, MatchesPycocoevalcapOnAPunctuatedSet) {
  const std::vector<std::vector<std::string>> refs = {
      {"A man riding a wave on top of a surfboard.", "A surfer rides a large wave in the ocean.",
       "A person on a surf board (riding) a wave!"},
      {"Two dogs playing with a frisbee in the grass.", "A couple of dogs that are running in a field.",
       "Dogs' toys: a red frisbee, on the lawn."},
      {"A kitchen with a stove, a sink and a refrigerator.", "The kitchen isn't very big -- but it's clean.",
       "A small kitchen with white appliances."},
      {"A red double decker bus on a city street.", "A bus driving down the street in the U.S. The end.",
       "A large red bus parked next to a sidewalk."}};
  const std::vector<std::string> cands = {"a man riding a wave on a surfboard", "two dogs playing with a frisbee",
                                          "a kitchen with a stove and a sink", "a red bus driving down a street"};
  const CaptionScores s = score_captions(cands, refs);
  EXPECT_NEAR(s.bleu[0], 0.9017226623008239, 1e-12);
  EXPECT_NEAR(s.bleu[1], 0.8458908372468115, 1e-12);
  EXPECT_NEAR(s.bleu[2], 0.717058396743786, 1e-12);
  EXPECT_NEAR(s.bleu[3], 0.6289185534748819, 1e-12);
  EXPECT_NEAR(s.rouge_l, 0.754325728763132, 1e-12);
  EXPECT_NEAR(s.cider, 2.3911227686964907, 1e-12);
  const std::vector<double> cider = {2.7741936626959047, 2.837404498769006, 2.393773668509679, 1.5591192448113742};
  const std::vector<double> rouge = {0.8714285714285713, 0.7721518987341772, 0.7624999999999998, 0.6112224448897796};
  const std::vector<double> bleu4 = {0.7018239546540574, 0.7165313102841915, 0.6434588840586895, 5.7099926404546984e-05};
  for (size_t i = 0; i < cands.size(); ++i) {
    EXPECT_NEAR(s.cider_per_image[i], cider[i], 1e-12) << i;
    EXPECT_NEAR(s.rouge_l_per_image[i], rouge[i], 1e-12) << i;
    EXPECT_NEAR(s.bleu_per_image[i][3], bleu4[i], 1e-12) << i;
  }
}

TEST(CaptionScores, TokenizesBeforeScoringAndLeavesJavaMetricsUncomputed) {
  // "A dog." and "a dog" are the same after tokenization: ROUGE-L 1.
  const CaptionScores s = score_captions({"A dog.", "Two cats!"}, {{"a dog"}, {"two cats"}});
  EXPECT_NEAR(s.rouge_l, 1.0, 1e-12);
  const nlohmann::json j = s.to_json();
  EXPECT_TRUE(j.at("METEOR").is_null());
  EXPECT_TRUE(j.at("SPICE").is_null());
  EXPECT_NEAR(j.at("ROUGE_L").get<double>(), 1.0, 1e-12);
  EXPECT_TRUE(j.contains("Bleu_4") && j.contains("CIDEr"));
  EXPECT_THROW(score_captions({"a"}, {{}}), Error);
  EXPECT_THROW(score_captions({"a", "b"}, {{"a"}}), Error);
}

}  // namespace
}  // namespace ofapt
