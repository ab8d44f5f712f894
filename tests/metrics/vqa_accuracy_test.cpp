#include <gtest/gtest.h>

#include "metrics/vqa_accuracy.h"
#include "util/error.h"

namespace ofapt {
namespace {

TEST(VqaAccuracy, ParsesOfaAnswerColumn) {
  const AnswerConfidences a = parse_vqa_answers("0.6|!+two&&1.0|!+2&&0.3|!+a few");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_DOUBLE_EQ(a.at("two"), 0.6);
  EXPECT_DOUBLE_EQ(a.at("2"), 1.0);
  EXPECT_DOUBLE_EQ(a.at("a few"), 0.3);
  // A repeated answer keeps its last confidence, like the Python dict comprehension.
  EXPECT_DOUBLE_EQ(parse_vqa_answers("0.3|!+yes&&0.9|!+yes").at("yes"), 0.9);
}

TEST(VqaAccuracy, ScoresTheConfidenceOfThePredictionAndAveragesIt) {
  const AnswerConfidences row1 = parse_vqa_answers("0.6|!+two&&1.0|!+2");
  const AnswerConfidences row2 = {{"yes", 1.0}};  // SNLI-VE: {label: 1.0}
  EXPECT_DOUBLE_EQ(vqa_score("two", row1), 0.6);
  EXPECT_DOUBLE_EQ(vqa_score("three", row1), 0.0);
  // (0.6 + 0 + 1.0) / 3
  EXPECT_NEAR(vqa_accuracy({"two", "no", "2"}, {row1, row2, row1}), 1.6 / 3, 1e-15);
  EXPECT_THROW(vqa_accuracy({"a"}, {}), Error);
}

TEST(VqaAccuracy, MalformedAnswersNameTheText) {
  for (const std::string bad : {"two", "abc|!+two", "0.5|!+a&&", "1|!+a|!+b", "|!+a", "0.5x|!+a"}) {
    try {
      parse_vqa_answers(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace ofapt
