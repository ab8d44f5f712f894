// The authors' reference outputs on ../shared/fixtures/ofa-micro, reproduced within 1e-4.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "checkpoint/model_files.h"
#include "model/generator.h"
#include "model/model_inputs.h"
#include "model/position_buckets.h"
#include "model/scoring.h"
#include "test_paths.h"
#include "util/file.h"

namespace ofapt {
namespace {

const char kFixture[] = "fixtures/ofa-micro";

class FixtureParity : public ::testing::Test {
 protected:
  void SetUp() override {
    OFAPT_REQUIRE_SHARED(std::string(kFixture) + "/reference.json");
    dir_ = testing::shared_path(kFixture);
    reference_ = nlohmann::json::parse(read_file(dir_ + "/reference.json"));
    contents_ = read_checkpoint(dir_);
    model_ = build_model(contents_);
  }

  ScoringExample example(int i) {
    const auto& sample = reference_["samples"][i];
    return {load_image_tensor(dir_ + "/" + sample["image"].get<std::string>(), reference_["image_size"]),
            sample["src_ids"].get<std::vector<int64_t>>(), sample["tgt_ids"].get<std::vector<int64_t>>()};
  }

  std::string dir_;
  nlohmann::json reference_;
  CheckpointContents contents_;
  OfaModel model_{nullptr};
};

void expect_close(const std::vector<float>& actual, const nlohmann::json& expected, const std::string& what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i].get<double>(), 1e-4) << what << " " << i;
}

TEST_F(FixtureParity, BatchedLogprobsMatchReference) {
  auto scores = score_targets(model_, {example(0), example(1)});
  for (int i = 0; i < 2; ++i) expect_close(scores[i], reference_["samples"][i]["token_logprobs_batched"], "batched");
}

TEST_F(FixtureParity, AloneLogprobsMatchReference) {
  for (int i = 0; i < 2; ++i) {
    expect_close(score_targets(model_, {example(i)})[0], reference_["samples"][i]["token_logprobs_alone"], "alone");
  }
}

TEST_F(FixtureParity, GreedyIdsMatchReference) {
  for (int i = 0; i < 2; ++i) {
    auto ex = example(i);
    EncoderInput input;
    input.tokens = torch::tensor(ex.source_ids).unsqueeze(0);
    input.images = ex.image.unsqueeze(0);
    GenerationOptions options;
    options.beam_size = 1;
    options.min_length = 0;
    options.max_length = 6;
    auto hypotheses = generate(model_, input, options);
    EXPECT_EQ(hypotheses[0][0].tokens, reference_["samples"][i]["greedy_ids"].get<std::vector<int64_t>>());
  }
}

TEST_F(FixtureParity, IntermediatesMatchReference) {
  auto intermediates = nlohmann::json::parse(read_file(dir_ + "/intermediates.json"));
  auto ex = example(0);
  c10::InferenceMode inference;
  auto resnet = model_->encoder()->embed_images()(ex.image.unsqueeze(0));
  auto expected_resnet = torch::tensor(intermediates["resnet_out"].get<std::vector<float>>());
  EXPECT_LT((resnet.flatten() - expected_resnet).abs().max().item<float>(), 1e-4);
  EncoderInput input;
  input.tokens = torch::tensor(ex.source_ids).unsqueeze(0);
  input.images = ex.image.unsqueeze(0);
  auto encoded = model_->encode(input);
  auto expected_encoder = torch::tensor(intermediates["encoder_out"].get<std::vector<float>>());
  EXPECT_LT((encoded.hidden.flatten() - expected_encoder).abs().max().item<float>(), 1e-4);
}

TEST_F(FixtureParity, RegeneratedBucketsEqualTheCheckpointBuffers) {
  EXPECT_TRUE(make_token_bucket_position(256, 1024).equal(contents_.tensors.at("encoder.token_rp_bucket")));
  EXPECT_TRUE(make_image_bucket_position(42).equal(contents_.tensors.at("encoder.image_rp_bucket")));
}

}  // namespace
}  // namespace ofapt
