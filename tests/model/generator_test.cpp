// Beam search contracts: lengths, forced prefixes, constraints, no-repeat n-grams, beam order.
#include <gtest/gtest.h>

#include "model/generator.h"

#include <set>
#include "model_test_util.h"

namespace ofapt {
namespace {

class Generator : public ::testing::Test {
 protected:
  OfaModel model_ = testing::make_small_model();
  EncoderInput input_ = testing::make_input({{0, 5, 6, 7, 2}}, 32, 4);
};

TEST_F(Generator, RespectsMinAndMaxLength) {
  GenerationOptions options;
  options.beam_size = 3;
  options.min_length = 4;
  options.max_length = 4;
  options.force_eos_at_max = true;
  const auto results = generate(model_, input_, options);
  for (const auto& h : results[0]) {
    ASSERT_EQ(h.tokens.size(), 6u);  // bos, 4 tokens, forced eos
    EXPECT_EQ(h.tokens.back(), 2);
    for (size_t i = 1; i < 5; ++i) EXPECT_NE(h.tokens[i], 2);
  }
}

TEST_F(Generator, ConstraintRangeAndForcedPrefix) {
  GenerationOptions options;
  options.beam_size = 4;
  options.max_length = 5;
  options.constraint_begin = 200;
  options.constraint_end = 210;
  auto prefix = torch::tensor({{201, 202}});
  auto hypotheses = generate(model_, input_, options, {}, prefix);
  ASSERT_FALSE(hypotheses[0].empty());
  for (const auto& h : hypotheses[0]) {
    EXPECT_EQ(h.tokens[1], 201);
    EXPECT_EQ(h.tokens[2], 202);
    for (size_t i = 3; i < h.tokens.size(); ++i) EXPECT_TRUE(h.tokens[i] < 4 || (h.tokens[i] >= 200 && h.tokens[i] < 210));
  }
}

TEST_F(Generator, TrieLimitsAnswersToTheAllowedSet) {
  SequenceTrie trie;
  trie.insert({100, 101, 2});
  trie.insert({100, 102, 2});
  trie.insert({150, 2});
  GenerationOptions options;
  options.beam_size = 5;
  options.nbest = 3;
  options.max_length = 6;
  options.normalize_scores = false;
  options.trie = &trie;
  auto hypotheses = generate(model_, input_, options)[0];
  ASSERT_EQ(hypotheses.size(), 3u);
  std::set<std::vector<int64_t>> seen;
  for (const auto& h : hypotheses) seen.insert(std::vector<int64_t>(h.tokens.begin() + 1, h.tokens.end()));
  EXPECT_EQ(seen, (std::set<std::vector<int64_t>>{{100, 101, 2}, {100, 102, 2}, {150, 2}}));
  EXPECT_GE(hypotheses[0].score, hypotheses[1].score);
  double sum = 0;
  for (float lp : hypotheses[0].token_logprobs) sum += lp;
  EXPECT_NEAR(hypotheses[0].score, sum, 1e-4);  // unnormalised: raw sum of log-probs
}

TEST_F(Generator, NoRepeatNgramBlocksRepeats) {
  GenerationOptions options;
  options.beam_size = 2;
  options.max_length = 12;
  options.min_length = 12;
  options.no_repeat_ngram_size = 2;
  const auto results = generate(model_, input_, options);
  for (const auto& h : results[0]) {
    std::set<std::pair<int64_t, int64_t>> bigrams;
    for (size_t i = 0; i + 1 < h.tokens.size(); ++i) {
      EXPECT_TRUE(bigrams.insert({h.tokens[i], h.tokens[i + 1]}).second) << "repeated bigram at " << i;
    }
  }
}

TEST_F(Generator, BatchedGenerationEqualsOneByOne) {
  auto batch = testing::make_input({{0, 5, 6, 2}, {0, 9, 10, 11, 2}}, 32, 8);
  GenerationOptions options;
  options.beam_size = 3;
  options.max_length = 5;
  auto together = generate(model_, batch, options);
  for (int64_t row = 0; row < 2; ++row) {
    auto rows = torch::tensor({row});
    EncoderInput one{batch.tokens.index_select(0, rows), batch.images.index_select(0, rows), {}, {}, {}};
    auto alone = generate(model_, one, options);
    EXPECT_EQ(alone[0][0].tokens, together[row][0].tokens);
    EXPECT_NEAR(alone[0][0].score, together[row][0].score, 1e-4);
  }
}

}  // namespace
}  // namespace ofapt
