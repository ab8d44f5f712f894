// FGSM and PGD: they stay inside their L-inf ball, raise the loss of the gold targets, and change
// nothing at epsilon 0; the evaluation hook hands each row its own attacked input.
#include <gtest/gtest.h>

#include "attack/adversarial_attack.h"
#include "model/model_test_util.h"
#include "util/error.h"

namespace ofapt {
namespace {

Batch small_batch() {
  Batch batch;
  batch.input = testing::make_input({{0, 11, 12, 13, 2}, {0, 21, 22, 2, 1}}, 32, 3);
  batch.prev_output = torch::tensor({0, 40, 41, 42, 0, 50, 51, 1}, torch::kLong).view({2, 4});
  batch.target = torch::tensor({40, 41, 42, 2, 50, 51, 2, 1}, torch::kLong).view({2, 4});
  batch.indices = {0, 1};
  return batch;
}

double loss_of(OfaModel& model, const EncoderInput& input, const Batch& batch) {
  torch::NoGradGuard no_grad;
  const auto logits = model->forward(input, batch.prev_output);
  return torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}), batch.target.reshape({-1}),
                                              torch::nn::functional::CrossEntropyFuncOptions().ignore_index(1))
      .item<double>();
}

TEST(Attack, PixelAttacksStayInTheBallAndRaiseTheLoss) {
  OfaModel model = testing::make_small_model();
  const Batch batch = small_batch();
  const double clean = loss_of(model, batch.input, batch);
  for (const std::string method : {"fgsm", "pgd"}) {
    AttackOptions options;
    options.method = method;
    options.epsilon = 8;
    options.steps = 5;
    const EncoderInput attacked = attack_batch(model, {}, batch, options);
    const auto change = (attacked.images - batch.input.images).abs().max().item<double>();
    EXPECT_LE(change, 2.0 * 8 / 255 + 1e-6) << method;
    EXPECT_GT(change, 2.0 * 8 / 255 * 0.5) << method;
    EXPECT_LE(attacked.images.abs().max().item<double>(), 1.0 + 1e-6) << method;
    EXPECT_GT(loss_of(model, attacked, batch), clean) << method;
  }
}

TEST(Attack, EmbeddingAttacksScaleWithEachPositionAndRaiseTheLoss) {
  OfaModel model = testing::make_small_model();
  const Batch batch = small_batch();
  const double clean = loss_of(model, batch.input, batch);
  AttackOptions options;
  options.space = "embedding";
  options.epsilon = 0.1;
  const EncoderInput attacked = attack_batch(model, {}, batch, options);
  ASSERT_TRUE(attacked.token_embeddings.defined());
  ASSERT_TRUE(attacked.image_features.defined());
  torch::NoGradGuard no_grad;
  const auto tokens = model->embed_tokens()(batch.input.tokens);
  const auto rms = tokens.square().mean(-1, true).sqrt();
  const auto ratio = (attacked.token_embeddings - tokens).abs() / rms.clamp_min(1e-12);  // padding rows are 0
  EXPECT_LE(ratio.max().item<double>(), 0.1 + 1e-5);
  EXPECT_GT(ratio.max().item<double>(), 0.05);
  EXPECT_GT(loss_of(model, attacked, batch), clean);
  options.epsilon = 0;
  const EncoderInput unchanged = attack_batch(model, {}, batch, options);
  EXPECT_NEAR(loss_of(model, unchanged, batch), clean, 1e-5);
}

TEST(Attack, BadOptionsAreUsageErrors) {
  AttackOptions options;
  options.method = "cw";
  EXPECT_THROW(options.check(), Error);
  options = {};
  options.space = "latent";
  EXPECT_THROW(options.check(), Error);
  options = {};
  options.epsilon = -1;
  EXPECT_THROW(options.check(), Error);
  EXPECT_EQ(AttackOptions{}.name(), "fgsm-pixel-eps2");
}

}  // namespace
}  // namespace ofapt
