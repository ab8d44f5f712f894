#include "train/label_smoothed_loss.h"

#include <gtest/gtest.h>

#include <cmath>

#include "train/lr_schedule.h"

namespace ofapt {
namespace {

// The formula of ofa-spec 10.1 written out per token with plain loops.
double direct_loss(const torch::Tensor& logits, int64_t label, double epsilon, const std::vector<bool>& allowed) {
  const int64_t vocab = logits.size(0);
  double max_logit = -1e30;
  for (int64_t v = 0; v < vocab; ++v) {
    if (allowed[v]) max_logit = std::max(max_logit, logits[v].item<double>());
  }
  double norm = 0.0;
  int64_t count = 0;
  for (int64_t v = 0; v < vocab; ++v) {
    if (!allowed[v]) continue;
    norm += std::exp(logits[v].item<double>() - max_logit);
    ++count;
  }
  auto logp = [&](int64_t v) { return logits[v].item<double>() - max_logit - std::log(norm); };
  double smooth = 0.0;
  for (int64_t v = 0; v < vocab; ++v) {
    if (allowed[v]) smooth -= logp(v);
  }
  const double eps_i = epsilon / (static_cast<double>(count) - 1 + 1e-6);
  return (1 - epsilon - eps_i) * -logp(label) + eps_i * smooth;
}

TEST(LabelSmoothedLoss, MatchesTheFormulaAndSkipsPadding) {
  torch::manual_seed(0);
  auto logits = torch::randn({2, 3, 7}, torch::kDouble);
  auto target = torch::tensor({4, 5, 1, 6, 1, 1}, torch::kLong).view({2, 3});  // pad = 1
  LabelSmoothingOptions options;
  options.epsilon = 0.1;
  const auto sums = label_smoothed_cross_entropy(logits, target, {}, {}, options);
  EXPECT_EQ(sums.tokens, 3);
  const std::vector<bool> all(7, true);
  double expected = direct_loss(logits[0][0], 4, 0.1, all) + direct_loss(logits[0][1], 5, 0.1, all) +
                    direct_loss(logits[1][0], 6, 0.1, all);
  // The direct formula uses eps/(V-1+1e-6); the unconstrained loss uses eps/(V-1) as fairseq: equal to 1e-6.
  EXPECT_NEAR(sums.loss.item<double>(), expected, 1e-5);
  const double nll = -torch::log_softmax(logits[0][0], 0)[4].item<double>() -
                     torch::log_softmax(logits[0][1], 0)[5].item<double>() -
                     torch::log_softmax(logits[1][0], 0)[6].item<double>();
  EXPECT_NEAR(sums.nll.item<double>(), nll, 1e-5);
}

TEST(LabelSmoothedLoss, ConstraintMaskRestrictsSoftmaxAndSmoothing) {
  torch::manual_seed(1);
  auto logits = torch::randn({1, 2, 8}, torch::kDouble);
  auto target = torch::tensor({5, 2}, torch::kLong).view({1, 2});
  auto mask = torch::zeros({1, 2, 8}, torch::kBool);
  for (int64_t v : {2, 5, 6}) mask[0][0][v] = true;
  for (int64_t v : {2, 3}) mask[0][1][v] = true;
  LabelSmoothingOptions options;
  options.epsilon = 0.2;
  const auto sums = label_smoothed_cross_entropy(logits, target, {}, mask, options);
  std::vector<bool> first(8, false), second(8, false);
  first[2] = first[5] = first[6] = true;
  second[2] = second[3] = true;
  EXPECT_NEAR(sums.loss.item<double>(),
              direct_loss(logits[0][0], 5, 0.2, first) + direct_loss(logits[0][1], 2, 0.2, second), 1e-6);
}

TEST(LabelSmoothedLoss, ConstraintRangeKeepsSpecialsAndTheRange) {
  torch::manual_seed(2);
  auto logits = torch::randn({1, 1, 12}, torch::kDouble);
  auto target = torch::tensor({9}, torch::kLong).view({1, 1});
  LabelSmoothingOptions options;
  options.range_begin = 8;
  options.range_end = 11;
  std::vector<bool> allowed(12, false);
  for (int64_t v : {0, 1, 2, 3, 8, 9, 10}) allowed[v] = true;
  EXPECT_NEAR(label_smoothed_cross_entropy(logits, target, {}, {}, options).loss.item<double>(),
              direct_loss(logits[0][0], 9, 0.1, allowed), 1e-6);
}

TEST(LabelSmoothedLoss, RowWeightsScaleEachRow) {
  torch::manual_seed(3);
  auto logits = torch::randn({2, 2, 6});
  auto target = torch::tensor({3, 2, 4, 2}, torch::kLong).view({2, 2});
  LabelSmoothingOptions options;
  auto plain = label_smoothed_cross_entropy(logits.narrow(0, 1, 1), target.narrow(0, 1, 1), {}, {}, options);
  auto first = label_smoothed_cross_entropy(logits.narrow(0, 0, 1), target.narrow(0, 0, 1), {}, {}, options);
  auto weighted = label_smoothed_cross_entropy(logits, target, torch::tensor({0.5f, 2.0f}), {}, options);
  EXPECT_NEAR(weighted.loss.item<double>(), 0.5 * first.loss.item<double>() + 2.0 * plain.loss.item<double>(), 1e-5);
}

TEST(PolynomialDecay, WarmsUpLinearlyThenDecaysToTheEnd) {
  PolynomialDecaySchedule schedule{1.0, 0.1, 4, 14, 1.0};
  EXPECT_DOUBLE_EQ(schedule.at(0), 0.25);  // fairseq starts at peak / warmup
  EXPECT_DOUBLE_EQ(schedule.at(1), 0.25);
  EXPECT_DOUBLE_EQ(schedule.at(2), 0.5);
  EXPECT_DOUBLE_EQ(schedule.at(4), 1.0);
  EXPECT_NEAR(schedule.at(9), 0.1 + 0.9 * 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(schedule.at(14), 0.1);
  EXPECT_DOUBLE_EQ(schedule.at(20), 0.1);
  PolynomialDecaySchedule no_warmup{2.0, 0.0, 0, 10, 1.0};
  EXPECT_DOUBLE_EQ(no_warmup.at(0), 2.0);
  EXPECT_DOUBLE_EQ(no_warmup.at(5), 1.0);
}

}  // namespace
}  // namespace ofapt
