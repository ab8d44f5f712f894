// A mixed batch (each row its own prompt, of different lengths and depths, or none) equals each row alone.
#include "tuning/prompt_bank.h"

#include <gtest/gtest.h>

#include "model/generator.h"
#include "tuning/make_method.h"
#include "tuning/tuning_test_util.h"
#include "util/error.h"

namespace ofapt {
namespace {

std::shared_ptr<PrefixTuning> trained_prompt(OfaModel model, const std::string& spec, uint64_t seed) {
  torch::manual_seed(seed);
  auto method = std::dynamic_pointer_cast<PrefixTuning>(attach_method(spec, model));
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, tensor] : method->trainable_tensors()) tensor.normal_(0.0, 0.5);
  }
  method->set_training(false);
  return method;
}

EncoderInput select_row(const EncoderInput& input, int64_t row) {
  EncoderInput one;
  one.tokens = input.tokens.narrow(0, row, 1);
  one.images = input.images.narrow(0, row, 1);
  return one;
}

// The bank's batch for `rows` (-1 = no prompt) equals each row run alone with its own method's prompt,
// on four rows of different source lengths.
void expect_rows_equal_alone(OfaModel model, const PromptBank& bank, const std::vector<int64_t>& rows,
                             const std::vector<std::shared_ptr<PrefixTuning>>& methods) {
  auto input = testing::make_input({{0, 11, 12, 13, 2}, {0, 21, 22, 2}, {0, 31, 2}, {0, 41, 42, 43, 44, 2}}, 32, 4);
  auto prev = torch::tensor({0, 40, 41, 0, 50, 51, 0, 60, 61, 0, 70, 71}, torch::kLong).view({4, 3});
  auto mixed = model->forward(input, prev, bank.gather(rows));
  for (int64_t r = 0; r < 4; ++r) {
    PromptKV alone = rows[r] < 0 ? PromptKV{} : methods[rows[r]]->prompt(1);
    auto expected = model->forward(select_row(input, r), prev.narrow(0, r, 1), alone);
    EXPECT_TRUE(torch::allclose(mixed.narrow(0, r, 1), expected, 1e-5, 1e-5)) << "row " << r;
  }
}

TEST(PromptBank, MixedBatchEqualsEachRowAlone) {
  auto model = testing::make_small_model();
  auto long_prompt = trained_prompt(model, "prompt:length=5", 1);
  auto short_prompt = trained_prompt(model, "prompt:length=2,reparam=mlp,hidden=8", 2);
  auto decoder_only = trained_prompt(model, "prompt:length=3,depth=decoder,layers=1", 3);
  PromptBank bank(model->config());
  EXPECT_EQ(bank.add("long", *long_prompt), 0);
  EXPECT_EQ(bank.add("short", *short_prompt), 1);
  EXPECT_EQ(bank.add("decoder", *decoder_only), 2);
  EXPECT_EQ(bank.index_of("short"), 1);
  EXPECT_THROW(bank.add("long", *long_prompt), Error);

  expect_rows_equal_alone(model, bank, {1, -1, 0, 2}, {long_prompt, short_prompt, decoder_only});
}

// Gated prompts (their own softmax, added through tanh(g)) batch with plain prompts and bare rows.
TEST(PromptBank, GatedPlainAndBareRowsInOneBatchEqualEachRowAlone) {
  auto model = testing::make_small_model();
  auto gated = trained_prompt(model, "prompt:length=4,gate=zero", 8);
  auto gated_short = trained_prompt(model, "prompt:length=2,depth=decoder,gate=zero", 9);
  auto plain = trained_prompt(model, "prompt:length=3", 10);
  PromptBank bank(model->config());
  bank.add("gated", *gated);
  bank.add("gated_short", *gated_short);
  bank.add("plain", *plain);
  expect_rows_equal_alone(model, bank, {0, 1, 0, 1}, {gated, gated_short, plain});
  expect_rows_equal_alone(model, bank, {2, 0, -1, 1}, {gated, gated_short, plain});
  // The gate is the prompt's own: zero gates give the bare model on every row.
  auto input = testing::make_input({{0, 11, 12, 13, 2}, {0, 21, 22, 2}, {0, 31, 2}, {0, 41, 42, 43, 44, 2}}, 32, 4);
  auto prev = torch::tensor({0, 40, 41, 0, 50, 51, 0, 60, 61, 0, 70, 71}, torch::kLong).view({4, 3});
  auto closed = trained_prompt(model, "prompt:length=4,gate=zero", 11);
  {
    torch::NoGradGuard no_grad;
    closed->gate("encoder").zero_();
    closed->gate("decoder").zero_();
  }
  bank.add("closed", *closed);
  EXPECT_TRUE(torch::allclose(model->forward(input, prev, bank.gather({3, 3, 3, 3})), model->forward(input, prev),
                              1e-6, 1e-6));
}

TEST(PromptBank, BeamSearchWithMixedPromptsMatchesSingleRows) {
  auto model = testing::make_small_model();
  auto a = trained_prompt(model, "prompt:length=4", 5);
  auto b = trained_prompt(model, "prompt:length=1,gate=zero", 6);
  PromptBank bank(model->config());
  bank.add("a", *a);
  bank.add("b", *b);
  auto input = testing::make_input({{0, 11, 12, 2}, {0, 21, 22, 2}}, 32, 7);
  GenerationOptions options;
  options.beam_size = 3;
  options.max_length = 5;
  auto mixed = generate(model, input, options, bank.gather({1, 0}));
  auto first = generate(model, select_row(input, 0), options, b->prompt(1));
  auto second = generate(model, select_row(input, 1), options, a->prompt(1));
  EXPECT_EQ(mixed[0][0].tokens, first[0][0].tokens);
  EXPECT_EQ(mixed[1][0].tokens, second[0][0].tokens);
  EXPECT_NEAR(mixed[0][0].score, first[0][0].score, 1e-5);
  EXPECT_NEAR(mixed[1][0].score, second[0][0].score, 1e-5);
}

TEST(PromptBank, RejectsUnknownIndices) {
  auto model = testing::make_small_model();
  PromptBank bank(model->config());
  EXPECT_THROW(bank.gather({0}), Error);
  EXPECT_TRUE(bank.gather({-1, -1}).encoder.empty());
}

}  // namespace
}  // namespace ofapt
