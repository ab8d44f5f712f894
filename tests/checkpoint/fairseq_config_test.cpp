// fairseq model arguments -> HF-style config.json.
#include "checkpoint/fairseq_config.h"

#include "checkpoint/torch_checkpoint.h"
#include "checkpoint_test_util.h"

namespace ofapt {
namespace {

using testing::expect_error;

TEST(FairseqConfig, MapsTheFixtureArguments) {
  for (const char* file : {"fairseq_args.pt", "fairseq_cfg.pt"}) {
    SCOPED_TRACE(file);
    const FairseqCheckpoint checkpoint = read_fairseq_checkpoint(testing::fixture(file));
    const nlohmann::json config = hf_config_from_fairseq_args(checkpoint.model_args, checkpoint.model, file);
    EXPECT_EQ(config["model_type"], "ofa");
    EXPECT_EQ(config["vocab_size"], 6);
    EXPECT_EQ(config["d_model"], 4);
    EXPECT_EQ(config["encoder_ffn_dim"], 8);
    EXPECT_EQ(config["decoder_ffn_dim"], 8);
    EXPECT_EQ(config["encoder_layers"], 1);
    EXPECT_EQ(config["decoder_attention_heads"], 2);
    EXPECT_EQ(config["resnet_type"], "resnet50");
    EXPECT_EQ(config["normformer"], true);
    EXPECT_EQ(config["attn_scale_factor"], 2.0);
    EXPECT_EQ(config["dropout"], 0.1);
    EXPECT_EQ(config["encoder_drop_path_rate"], 0.2);
    EXPECT_EQ(config["max_position_embeddings"], 1024);
    EXPECT_EQ(config["scale_embedding"], false);
    EXPECT_EQ(config["pad_token_id"], 1);
    EXPECT_EQ(config["bos_token_id"], 0);
    EXPECT_EQ(config["eos_token_id"], 2);
    EXPECT_EQ(config["code_image_size"], 128);
    // No --disable-entangle in these args: the reference decoder adds its positions, the encoder not.
    EXPECT_EQ(config["entangle_position_embedding"], false);
    EXPECT_EQ(config["decoder_entangle_position_embedding"], true);
    EXPECT_EQ(config["ofapt_prompt"]["encoder_prompt_length"], 10);
    EXPECT_EQ(config["ofapt_prompt"]["decoder_prompt"], true);
    EXPECT_EQ(config["ofapt_prompt"].count("dropout"), 0u);
  }
}

TEST(FairseqConfig, ArchSuppliesDefaults) {
  const std::map<std::string, std::vector<int64_t>> archs = {
      // d, F, H, Le, Ld
      {"ofa_tiny", {256, 1024, 4, 4, 4}},   {"ofa_medium", {512, 2048, 8, 4, 4}},
      {"ofa_base", {768, 3072, 12, 6, 6}},  {"ofa_large", {1024, 4096, 16, 12, 12}},
      {"ofa_huge", {1280, 5120, 16, 24, 12}}};
  for (const auto& [arch, shape] : archs) {
    SCOPED_TRACE(arch);
    const TensorMap model = {{"encoder.embed_tokens.weight", at::zeros({10, shape[0]})}};
    const nlohmann::json config = hf_config_from_fairseq_args({{"arch", arch}}, model);
    EXPECT_EQ(config["d_model"], shape[0]);
    EXPECT_EQ(config["encoder_ffn_dim"], shape[1]);
    EXPECT_EQ(config["encoder_attention_heads"], shape[2]);
    EXPECT_EQ(config["encoder_layers"], shape[3]);
    EXPECT_EQ(config["decoder_layers"], shape[4]);
    EXPECT_EQ(config["vocab_size"], 10);
    EXPECT_EQ(config["normformer"], false);
    EXPECT_EQ(config["token_bucket_size"], 256);
    EXPECT_EQ(config["image_bucket_size"], 42);
    EXPECT_FALSE(config.contains("ofapt_prompt"));
  }
}

TEST(FairseqConfig, DisableEntangleTurnsOffTheDecoderPositions) {
  const TensorMap model = {{"encoder.embed_tokens.weight", at::zeros({10, 256})}};
  const nlohmann::json released =
      hf_config_from_fairseq_args({{"arch", "ofa_tiny"}, {"disable_entangle", true}}, model);
  EXPECT_EQ(released["entangle_position_embedding"], false);
  EXPECT_EQ(released["decoder_entangle_position_embedding"], false);
  const nlohmann::json entangled = hf_config_from_fairseq_args(
      {{"arch", "ofa_tiny"}, {"entangle_position_embedding", true}, {"disable_entangle", false}}, model);
  EXPECT_EQ(entangled["entangle_position_embedding"], true);
  EXPECT_EQ(entangled["decoder_entangle_position_embedding"], true);
}

TEST(FairseqConfig, RefusesBadArguments) {
  const TensorMap model = {{"encoder.embed_tokens.weight", at::zeros({10, 256})}};
  expect_error([&] { hf_config_from_fairseq_args({{"arch", "ofa_giant"}}, model, "x.pt"); }, ErrorKind::kSchema,
               {"x.pt", "unknown arch 'ofa_giant'"});
  expect_error([&] { hf_config_from_fairseq_args({{"arch", "ofa_tiny"}, {"encoder_layers", "4"}}, model, "x.pt"); },
               ErrorKind::kSchema, {"x.pt", "argument 'encoder_layers' has the wrong type: \"4\""});
  expect_error([&] { hf_config_from_fairseq_args({{"arch", "ofa_tiny"}, {"scale_attn", true}}, model, "x.pt"); },
               ErrorKind::kSchema, {"x.pt", "all on or all off"});
  expect_error([&] { hf_config_from_fairseq_args({{"arch", "ofa_base"}}, model, "x.pt"); }, ErrorKind::kSchema,
               {"x.pt", "arguments give width 768 but the token embedding is 10 x 256"});
  expect_error([&] { hf_config_from_fairseq_args({{"arch", "ofa_tiny"}}, {}, "x.pt"); }, ErrorKind::kSchema,
               {"x.pt", "no 2-D encoder.embed_tokens.weight"});
  expect_error([&] { hf_config_from_fairseq_args(nullptr, model, "x.pt"); }, ErrorKind::kSchema,
               {"x.pt", "model arguments are missing"});
  TensorMap normformer_model = model;
  normformer_model["encoder.layers.0.self_attn.q_proj.weight"] = at::zeros({256, 256});
  normformer_model["encoder.layers.0.attn_ln.weight"] = at::zeros({256});
  expect_error([&] { hf_config_from_fairseq_args({{"arch", "ofa_tiny"}}, normformer_model, "x.pt"); },
               ErrorKind::kSchema, {"x.pt", "NormFormer is off but the tensors have its layers"});
}

}  // namespace
}  // namespace ofapt
