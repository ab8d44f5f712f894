// clip_gradients against LibTorch's clip_grad_norm_: the same norm and the same scaled gradients, to
// the bit, with and without clipping, and a tensor without a gradient left alone.
#include "train/gradient_clipping.h"

#include <gtest/gtest.h>

#include <limits>

namespace ofapt {
namespace {

std::vector<torch::Tensor> tensors_with_gradients(uint64_t seed) {
  torch::manual_seed(seed);
  std::vector<torch::Tensor> tensors;
  for (int64_t size : {7, 64, 300}) {
    auto tensor = torch::randn({size}).requires_grad_(true);
    tensor.mutable_grad() = torch::randn({size}) * 3;
    tensors.push_back(tensor);
  }
  tensors.push_back(torch::randn({5}).requires_grad_(true));  // no gradient
  return tensors;
}

TEST(GradientClipping, MatchesTorchClipGradNormBitForBit) {
  for (double max_norm : {0.5, 1.0, 1e6, std::numeric_limits<double>::infinity()}) {
    auto ours = tensors_with_gradients(3);
    auto theirs = tensors_with_gradients(3);
    const double norm = clip_gradients(ours, max_norm).item<double>();
    const double expected = torch::nn::utils::clip_grad_norm_(theirs, max_norm);
    EXPECT_EQ(norm, expected) << "max_norm " << max_norm;
    for (size_t i = 0; i + 1 < ours.size(); ++i) {
      EXPECT_TRUE(torch::equal(ours[i].grad(), theirs[i].grad())) << "tensor " << i << ", max_norm " << max_norm;
    }
    EXPECT_FALSE(ours.back().grad().defined());
  }
  const double unclipped = tensors_with_gradients(3)[0].grad().norm().item<double>();
  auto clipped = tensors_with_gradients(3);
  clip_gradients(clipped, 0.5);
  EXPECT_LT(clipped[0].grad().norm().item<double>(), unclipped);
}

TEST(GradientClipping, NoGradientAnywhereGivesNormZero) {
  std::vector<torch::Tensor> none = {torch::ones({3}).requires_grad_(true)};
  EXPECT_EQ(clip_gradients(none, 1.0).item<double>(), 0.0);
}

}  // namespace
}  // namespace ofapt
