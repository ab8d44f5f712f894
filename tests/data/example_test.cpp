#include "data/example.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "data/dataset.h"
#include "data/seq2seq_tsv.h"
#include "image/base64.h"
#include "image/png_encode.h"
#include "image/synthetic.h"
#include "text/ofa_tokenizer.h"
#include "util/error.h"

namespace ofapt {
namespace {

TEST(Collate, PadsBuildsDecoderInputAndCountsLossTokens) {
  Example a, b;
  a.id = "a";
  a.source = {0, 5, 6, 2};
  a.target = {7, 8, 2};
  a.image = torch::ones({3, 8, 8});
  b.id = "b";
  b.source = {0, 9, 2};
  b.target = {10, 11, 12, 2};
  b.prev_output = {0, 9, 10, 11};
  b.loss_start = 2;  // only 12 and eos carry loss
  b.weight = 0.5f;
  const Batch batch = collate({a, b}, {3, 4}, CollateOptions{});
  EXPECT_EQ(batch.input.tokens.sizes(), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(batch.input.tokens[1][3].item<int64_t>(), 1);
  EXPECT_TRUE(torch::equal(batch.prev_output[0], torch::tensor({0, 7, 8, 1}, torch::kLong)));
  EXPECT_TRUE(torch::equal(batch.target[1], torch::tensor({1, 1, 12, 2}, torch::kLong)));
  EXPECT_EQ(batch.ntokens, 3 + 2);
  EXPECT_FLOAT_EQ(batch.weights[1].item<float>(), 0.5f);
  EXPECT_TRUE(batch.input.image_present[0].item<bool>());
  EXPECT_FALSE(batch.input.image_present[1].item<bool>());
  EXPECT_EQ(batch.input.images.sizes(), (std::vector<int64_t>{2, 3, 8, 8}));
  EXPECT_FALSE(batch.allowed_mask.defined());
}

TEST(Collate, AllowedTokensBecomeAMaskAndBadRowsAreNamed) {
  Example a;
  a.id = "q1";
  a.source = {0, 2};
  a.target = {5, 2};
  a.allowed_tokens = {{5, 6}, {2}};
  CollateOptions options;
  options.vocab_size = 8;
  const Batch batch = collate({a}, {0}, options);
  EXPECT_EQ(batch.allowed_mask.sizes(), (std::vector<int64_t>{1, 2, 8}));
  EXPECT_EQ(batch.allowed_mask[0][0].sum().item<int64_t>(), 2);
  EXPECT_TRUE(batch.allowed_mask[0][1][2].item<bool>());
  Example bad = a;
  bad.prev_output = {0, 5, 6};
  try {
    collate({bad}, {0}, options);
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("q1"), std::string::npos);
  }
}

TEST(EpochOrder, IsAPermutationFixedBySeedAndEpoch) {
  const auto order = epoch_order(100, 7, 0);
  EXPECT_EQ(std::set<int64_t>(order.begin(), order.end()).size(), 100u);
  EXPECT_EQ(order, epoch_order(100, 7, 0));
  EXPECT_NE(order, epoch_order(100, 7, 1));
  EXPECT_NE(order, epoch_order(100, 8, 0));
  // Pinned: a resumed run must see the same order from any build.
  EXPECT_EQ(epoch_order(10, 7, 3), (std::vector<int64_t>{7, 5, 9, 8, 6, 0, 4, 2, 3, 1}));
}

TEST(ConsecutiveBatches, CoverEveryRowOnceInOrderWithAShortLastBatch) {
  const auto batches = consecutive_batches(7, 3);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0], (std::vector<int64_t>{0, 1, 2}));
  EXPECT_EQ(batches[2], (std::vector<int64_t>{6}));
  EXPECT_TRUE(consecutive_batches(0, 4).empty());
  EXPECT_THROW(consecutive_batches(3, 0), Error);
}

class Seq2SeqTsv : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      tokenizer_ = std::make_unique<text::OfaTokenizer>(text::load_tokenizer(""));
    } catch (const Error& error) {
      GTEST_SKIP() << "no BPE files (run scripts/fetch_bpe.sh): " << error.what();
    }
    image_ = base64_encode(encode_png(make_synthetic_image(16, 1)));
  }
  std::string write(const std::string& name, const std::string& content) {
    const std::string path = std::string(::testing::TempDir()) + name;
    std::ofstream(path) << content;
    return path;
  }
  std::unique_ptr<text::OfaTokenizer> tokenizer_;
  std::string image_;
};

TEST_F(Seq2SeqTsv, ReadsRowsWithAndWithoutImages) {
  const auto path = write("ok.tsv", "1\t" + image_ + "\twhat color?\tred square\n2\t\tsay <bin_3>\t<bin_4>\n");
  TsvReadOptions options;
  options.image_size = 16;
  auto data = read_seq2seq_tsv(path, *tokenizer_, options);
  ASSERT_EQ(data->size(), 2);
  const Example first = data->get(0);
  EXPECT_EQ(first.id, "1");
  EXPECT_EQ(first.image.sizes(), (std::vector<int64_t>{3, 16, 16}));
  EXPECT_EQ(first.source.front(), 0);
  EXPECT_EQ(first.source.back(), 2);
  std::vector<int64_t> expected_target = tokenizer_->encode(" red square");
  expected_target.push_back(2);
  EXPECT_EQ(first.target, expected_target);
  EXPECT_FALSE(data->get(1).image.defined());
  EXPECT_EQ(data->get(1).target, (std::vector<int64_t>{tokenizer_->bin_id(4), 2}));
}

TEST_F(Seq2SeqTsv, MalformedRowsNameFileAndLineOrAreSkipped) {
  const auto path = write("bad.tsv", "1\t" + image_ + "\tq\ta\n2\tnot-base64!!\tq\ta\n3\tonly three\tcolumns\n");
  TsvReadOptions options;
  options.image_size = 16;
  try {
    read_seq2seq_tsv(path, *tokenizer_, options);
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("bad.tsv:2"), std::string::npos) << error.what();
  }
  options.skip_bad_rows = true;
  TsvReadReport report;
  auto data = read_seq2seq_tsv(path, *tokenizer_, options, &report);
  EXPECT_EQ(data->size(), 1);
  EXPECT_EQ(report.rows, 3);
  EXPECT_EQ(report.skipped, 2);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_NE(report.problems[1].find("bad.tsv:3"), std::string::npos);
  EXPECT_NE(report.problems[1].find("4 tab-separated columns"), std::string::npos);
}

}  // namespace
}  // namespace ofapt
