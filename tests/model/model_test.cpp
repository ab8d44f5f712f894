// Model behaviour on small random models: shapes, presets, cache, padding, prefix hook, BatchNorm modes.
#include <gtest/gtest.h>

#include "model/attention.h"
#include "model/ofa_config.h"
#include "model/position_buckets.h"
#include "model/scoring.h"
#include "model_test_util.h"
#include "util/error.h"

namespace ofapt {
namespace {

TEST(OfaConfig, PresetParameterCountsMatchThePublishedSizes) {
  // Model card: 33M / 93M / 180M / 470M / 930M (ofa-spec section 1 recomputes 182.2M and 929.5M).
  const std::vector<std::pair<std::string, double>> published = {
      {"tiny", 33e6}, {"medium", 93e6}, {"base", 180e6}, {"large", 470e6}, {"huge", 930e6}};
  for (const auto& [name, size] : published) {
    const double count = static_cast<double>(count_parameters(OfaConfig::preset(name)));
    EXPECT_NEAR(count / size, 1.0, 0.015) << name << " has " << count;
  }
  EXPECT_EQ(count_parameters(OfaConfig::preset("tiny")), 33488336);
}

TEST(OfaConfig, CountMatchesTheBuiltModule) {
  for (const char* name : {"micro", "tiny"}) {
    const auto config = OfaConfig::preset(name);
    OfaModel model(config);
    int64_t built = 0;
    for (const auto& parameter : model->parameters()) built += parameter.numel();
    EXPECT_EQ(built, count_parameters(config)) << name;
  }
}

TEST(OfaConfig, JsonRoundTripAndValidation) {
  auto config = OfaConfig::preset("base");
  auto again = OfaConfig::from_json(config.to_json(), "test");
  EXPECT_EQ(again.to_json(), config.to_json());
  auto bad = config.to_json();
  bad["encoder_attention_heads"] = 7;
  EXPECT_THROW(OfaConfig::from_json(bad, "bad.json"), Error);
  bad = config.to_json();
  bad["d_model"] = "wide";
  try {
    OfaConfig::from_json(bad, "bad.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("d_model"), std::string::npos);
  }
}

TEST(PositionBuckets, TokenBucketsAreExactNearAndLogSpacedFar) {
  auto bucket = make_token_bucket_position(256, 1024);
  EXPECT_EQ(bucket[10][3].item<int64_t>(), 7 + 255);
  EXPECT_EQ(bucket[3][10].item<int64_t>(), -7 + 255);
  EXPECT_EQ(bucket[1023][0].item<int64_t>(), 510);
  EXPECT_EQ(bucket[0][1023].item<int64_t>(), 0);
  EXPECT_EQ(bucket.min().item<int64_t>(), 0);
  EXPECT_EQ(bucket.max().item<int64_t>(), 510);
}

TEST(PositionBuckets, ImageBucketsFollowTheCanvasFormula) {
  auto bucket = make_image_bucket_position(42);
  auto ids = image_position_ids(3, 4, 42);
  EXPECT_EQ(ids[5].item<int64_t>(), 1 * 42 + 1 + 1);
  // cells (r1,c1)=(1,2) and (r2,c2)=(0,0): (1+41)*83 + (2+41)
  EXPECT_EQ(bucket[1 * 42 + 2 + 1][1].item<int64_t>(), 42 * 83 + 43);
  EXPECT_EQ(bucket[0][5].item<int64_t>(), 6889);
  EXPECT_EQ(bucket[5][0].item<int64_t>(), 6890);
  EXPECT_EQ(bucket[0][0].item<int64_t>(), 6891);
}

// d 16, 2 heads, every weight uniform in [-0.5, 0.5].
OfaAttention random_attention(uint64_t seed) {
  torch::manual_seed(seed);
  AttentionOptions options;
  options.embed_dim = 16;
  options.heads = 2;
  OfaAttention attention(options);
  torch::NoGradGuard no_grad;
  for (auto& p : attention->parameters()) p.uniform_(-0.5, 0.5);
  return attention;
}

TEST(Attention, MatchesTheDirectFormulaWithPrefixAndBias) {
  auto attention = random_attention(3);
  auto x = torch::randn({2, 5, 16});
  auto bias = torch::randn({1, 2, 5, 5});
  PrefixKV prefix{torch::randn({2, 2, 3, 8}), torch::randn({2, 2, 3, 8})};
  auto out = attention(x, attention->project_keys(x), attention->project_values(x), bias, prefix);

  // softmax([q P_k^T | q k^T + bias]) [P_v ; v], q = q_proj(x) / sqrt(2 hd), per-head gain, out_proj.
  auto params = attention->named_parameters();
  auto proj = [&](const std::string& name, const torch::Tensor& in) {
    return torch::linear(in, params[name + ".weight"], params[name + ".bias"]).view({2, 5, 2, 8}).transpose(1, 2);
  };
  auto q = proj("q_proj", x) / std::sqrt(16.0);
  auto k = torch::cat({prefix.key, proj("k_proj", x)}, 2);
  auto v = torch::cat({prefix.value, proj("v_proj", x)}, 2);
  auto logits = torch::matmul(q, k.transpose(2, 3)) + torch::cat({torch::zeros({1, 2, 5, 3}), bias}, 3);
  auto heads = torch::matmul(torch::softmax(logits, -1), v) * params["c_attn"].view({1, 2, 1, 1});
  auto expected = torch::linear(heads.transpose(1, 2).reshape({2, 5, 16}), params["out_proj.weight"],
                                params["out_proj.bias"]);
  EXPECT_LT((out - expected).abs().max().item<float>(), 1e-5);
}

// A gated prefix is attended on its own and added through its per-head gate; a gate of 0 is the bare layer.
TEST(Attention, GatedPrefixAddsItsOwnAttentionThroughTheGate) {
  auto attention = random_attention(4);
  auto x = torch::randn({2, 5, 16});
  auto bias = torch::randn({1, 2, 5, 5});
  auto keys = attention->project_keys(x), values = attention->project_values(x);
  PrefixKV prefix{torch::randn({2, 2, 3, 8}), torch::randn({2, 2, 3, 8})};
  prefix.gate = torch::tensor({0.3f, -0.7f}).view({1, 2, 1, 1});
  auto out = attention(x, keys, values, bias, prefix);

  auto params = attention->named_parameters();
  auto q = torch::linear(x, params["q_proj.weight"], params["q_proj.bias"]).view({2, 5, 2, 8}).transpose(1, 2) /
           std::sqrt(16.0);
  auto real = torch::matmul(torch::softmax(torch::matmul(q, keys.transpose(2, 3)) + bias, -1), values);
  auto prompt = torch::matmul(torch::softmax(torch::matmul(q, prefix.key.transpose(2, 3)), -1), prefix.value);
  auto heads = (real + prefix.gate * prompt) * params["c_attn"].view({1, 2, 1, 1});
  auto expected = torch::linear(heads.transpose(1, 2).reshape({2, 5, 16}), params["out_proj.weight"],
                                params["out_proj.bias"]);
  EXPECT_LT((out - expected).abs().max().item<float>(), 1e-5);

  prefix.gate = torch::zeros({1, 2, 1, 1});
  EXPECT_LT((attention(x, keys, values, bias, prefix) - attention(x, keys, values, bias)).abs().max().item<float>(),
            1e-6);
}

TEST(OfaModel, IncrementalDecodingEqualsFullRecomputation) {
  for (const bool entangle : {false, true}) {
    auto model = testing::make_small_model(7, entangle);
    auto input = testing::make_input({{0, 5, 6, 7, 2}, {0, 9, 2}}, 32, 1);
    auto prev = torch::tensor({{0, 11, 12, 13, 14}, {0, 21, 22, 23, 24}});
    c10::InferenceMode inference;
    auto encoded = model->encode(input);
    auto full = model->decode(prev, encoded);
    DecoderState state;
    std::vector<torch::Tensor> steps;
    for (int64_t t = 1; t <= prev.size(1); ++t) steps.push_back(model->decode(prev.slice(1, 0, t), encoded, {}, &state));
    EXPECT_LT((torch::cat(steps, 1) - full).abs().max().item<float>(), 1e-4) << "entangle " << entangle;
  }
}

// entangle_position_embedding adds the raw (un-normed) position rows to the embeddings: text-only,
// that is the plain model fed token embeddings plus those rows; the positions' bias is unchanged.
TEST(OfaModel, EntangledPositionsAreAddedToTheEmbeddings) {
  auto entangled = testing::make_small_model(7, /*entangle=*/true);
  auto plain = testing::make_small_model(7, /*entangle=*/false);
  auto input = testing::make_input({{0, 5, 6, 7, 2}}, 32, 1);
  input.images = torch::Tensor();
  c10::InferenceMode inference;
  const auto with_positions = entangled->encode(input).hidden;
  EncoderInput shifted = input;
  auto weights = plain->named_parameters();
  shifted.token_embeddings = torch::embedding(weights["encoder.embed_tokens.weight"], input.tokens) +
                             weights["encoder.embed_positions.weight"].slice(0, 0, input.tokens.size(1)).unsqueeze(0);
  EXPECT_LT((plain->encode(shifted).hidden - with_positions).abs().max().item<float>(), 1e-5);
  EXPECT_GT((plain->encode(input).hidden - with_positions).abs().max().item<float>(), 1e-2);
  // Image patches get their canvas rows: the same image scores differently once entangled.
  auto with_image = testing::make_input({{0, 5, 6, 7, 2}}, 32, 1);
  EXPECT_GT((plain->encode(with_image).hidden - entangled->encode(with_image).hidden).abs().max().item<float>(), 1e-2);
  auto config = OfaConfig::from_json(entangled->config().to_json(), "test");
  EXPECT_TRUE(config.entangle_position_embedding);
  EXPECT_TRUE(config.decoder_entangle_position_embedding);
}

// The decoder's flag alone (a fairseq checkpoint trained without --disable-entangle) moves the
// decoder's scores and leaves the encoder as it was.
TEST(OfaModel, DecoderEntanglementIsItsOwnFlag) {
  auto plain = testing::make_small_model(7, /*entangle=*/false);
  auto decoder_only = testing::make_small_model(7, /*entangle=*/false, /*decoder_entangle=*/1);
  auto input = testing::make_input({{0, 5, 6, 7, 2}}, 32, 1);
  auto prev = torch::tensor({{0, 8, 9, 10}}, torch::kLong);
  c10::InferenceMode inference;
  const auto plain_encoded = plain->encode(input);
  const auto entangled_encoded = decoder_only->encode(input);
  EXPECT_LT((plain_encoded.hidden - entangled_encoded.hidden).abs().max().item<float>(), 1e-6);
  const auto plain_logits = plain->decode(prev, plain_encoded);
  const auto entangled_logits = decoder_only->decode(prev, entangled_encoded);
  EXPECT_GT((plain_logits - entangled_logits).abs().max().item<float>(), 1e-2);
  // The HF ports' spelling: entangle_position_embedding with disable_entangle leaves the decoder bare.
  nlohmann::json json = plain->config().to_json();
  json.erase("decoder_entangle_position_embedding");
  json["entangle_position_embedding"] = true;
  json["disable_entangle"] = true;
  const OfaConfig read = OfaConfig::from_json(json, "test");
  EXPECT_TRUE(read.entangle_position_embedding);
  EXPECT_FALSE(read.decoder_entangle_position_embedding);
}

TEST(OfaModel, PaddingDoesNotChangeScores) {
  auto model = testing::make_small_model();
  auto images = testing::make_input({{0, 1}, {0, 1}}, 32, 5).images;
  ScoringExample short_one{images[0], {0, 5, 6, 2}, {0, 40, 41, 2}};
  ScoringExample long_one{images[1], {0, 7, 8, 9, 10, 11, 2}, {0, 50, 51, 52, 53, 54, 2}};
  auto alone = score_targets(model, {short_one})[0];
  auto batched = score_targets(model, {short_one, long_one})[0];
  ASSERT_EQ(alone.size(), batched.size());
  for (size_t i = 0; i < alone.size(); ++i) EXPECT_NEAR(alone[i], batched[i], 1e-4);
}

// Several targets after one input, encoded once with the row's prompt, score as the same input
// copied per target does (serve's /v1/score).
TEST(OfaModel, TargetsAfterOneInputEncodedOnceEqualCopies) {
  auto model = testing::make_small_model();
  const auto& config = model->config();
  auto image = testing::make_input({{0, 1}}, 32, 6).images[0];
  const std::vector<int64_t> source{0, 5, 6, 7, 2};
  const std::vector<std::vector<int64_t>> targets{{0, 40, 41, 2}, {0, 50, 2}, {0, 60, 61, 62, 63, 2}};
  torch::manual_seed(4);
  PromptKV one_row, copies;  // heads 4, length 3, head dim 8
  for (int64_t i = 0; i < config.encoder_layers + config.decoder_layers; ++i) {
    auto key = torch::randn({1, 4, 3, 8}), value = torch::randn({1, 4, 3, 8});
    auto& one = i < config.encoder_layers ? one_row.encoder : one_row.decoder;
    auto& many = i < config.encoder_layers ? copies.encoder : copies.decoder;
    one.push_back({key, value});
    many.push_back({key.expand({3, 4, 3, 8}).contiguous(), value.expand({3, 4, 3, 8}).contiguous()});
  }
  std::vector<ScoringExample> copied;
  for (const auto& target : targets) copied.push_back({image, source, target});
  const auto expected = score_targets(model, copied, copies);
  const auto actual = score_targets_after(model, image, source, targets, one_row);
  ASSERT_EQ(actual.size(), targets.size());
  for (size_t t = 0; t < targets.size(); ++t) {
    ASSERT_EQ(actual[t].size(), targets[t].size() - 1);
    for (size_t i = 0; i < actual[t].size(); ++i) EXPECT_NEAR(actual[t][i], expected[t][i], 1e-5) << t << "," << i;
  }
  EXPECT_THROW(score_targets_after(model, image, source, {{0}}), Error);  // nothing to score in it
}

TEST(OfaModel, PerRowPrefixesEqualRowsRunAlone) {
  auto model = testing::make_small_model();
  const auto& config = model->config();
  auto input = testing::make_input({{0, 5, 6, 2}, {0, 7, 8, 2}}, 32, 2);
  auto prev = torch::tensor({{0, 11, 12}, {0, 21, 22}});
  torch::manual_seed(9);
  PromptKV prompt;
  for (int64_t i = 0; i < config.encoder_layers; ++i) {
    prompt.encoder.push_back({torch::randn({2, 4, 4, 8}), torch::randn({2, 4, 4, 8})});
  }
  for (int64_t i = 0; i < config.decoder_layers; ++i) {
    prompt.decoder.push_back({torch::randn({2, 4, 4, 8}), torch::randn({2, 4, 4, 8})});
  }
  c10::InferenceMode inference;
  auto mixed = model->forward(input, prev, prompt);
  auto without = model->forward(input, prev);
  EXPECT_GT((mixed - without).abs().max().item<float>(), 1e-3);  // the hook is live
  for (int64_t row = 0; row < 2; ++row) {
    auto rows = torch::tensor({row});
    EncoderInput one{input.tokens.index_select(0, rows), input.images.index_select(0, rows), {}, {}, {}};
    auto alone = model->forward(one, prev.index_select(0, rows), index_select_rows(prompt, rows));
    EXPECT_LT((alone[0] - mixed[row]).abs().max().item<float>(), 1e-4);
  }
}

TEST(OfaModel, BatchNormUsesBatchStatisticsOnlyInTraining) {
  auto model = testing::make_small_model();
  auto input = testing::make_input({{0, 5, 2}, {0, 6, 2}}, 32, 3);
  auto named = model->named_buffers();
  auto running_mean = named["encoder.embed_images.bn1.running_mean"].clone();
  {
    torch::NoGradGuard no_grad;
    model->encode(input);
  }
  EXPECT_TRUE(named["encoder.embed_images.bn1.running_mean"].equal(running_mean));  // eval: frozen stats
  model->train();
  {
    torch::NoGradGuard no_grad;
    model->encode(input);
  }
  EXPECT_FALSE(named["encoder.embed_images.bn1.running_mean"].equal(running_mean));  // train: stats move
}

TEST(OfaModel, RejectsImagesBeyondThePositionCanvas) {
  auto model = testing::make_small_model();
  EncoderInput input;
  input.tokens = torch::tensor({{0, 5, 2}});
  input.image_features = torch::zeros({1, 1024, 43, 43});
  EXPECT_THROW(model->encode(input), Error);
}

// What is computed on first use under InferenceMode (scoring a fresh model, as demo's from-scratch
// run does) must still serve training afterwards.
TEST(OfaModel, TrainsAfterItsFirstForwardRanUnderInferenceMode) {
  auto model = testing::make_small_model();
  auto input = testing::make_input({{0, 5, 6, 2}}, 32, 5);
  auto prev_tokens = torch::tensor({{0, 40, 41}}, torch::kLong);
  {
    c10::InferenceMode inference;
    model->forward(input, prev_tokens);
  }
  model->train();
  auto loss = model->forward(input, prev_tokens).logsumexp(-1).sum();
  ASSERT_NO_THROW(loss.backward());
  int64_t with_gradients = 0;
  for (const auto& parameter : model->parameters()) with_gradients += parameter.grad().defined();
  EXPECT_GT(with_gradients, 0);
}

}  // namespace
}  // namespace ofapt
