// fairseq -> HF key names, regenerated buffers, and the shared-embedding aliases.
#include "checkpoint/key_names.h"

#include "checkpoint/torch_checkpoint.h"
#include "checkpoint_test_util.h"

namespace ofapt {
namespace {

TEST(KeyNames, RenamesTheSpecTable) {
  const std::map<std::string, std::string> renames = {
      {"encoder.layers.0.attn_ln.weight", "encoder.layers.0.self_attn_mid_layer_norm.weight"},
      {"encoder.layers.11.ffn_layernorm.bias", "encoder.layers.11.ffn_layer_norm.bias"},
      {"decoder.layers.3.ffn_layernorm.weight", "decoder.layers.3.ffn_layer_norm.weight"},
      {"decoder.layers.0.self_attn_ln.bias", "decoder.layers.0.self_attn_mid_layer_norm.bias"},
      {"decoder.layers.1.encoder_attn.k_proj.weight", "decoder.layers.1.cross_attn.k_proj.weight"},
      {"decoder.layers.1.encoder_attn.c_attn", "decoder.layers.1.cross_attn.c_attn"},
      {"decoder.layers.2.encoder_attn_layer_norm.weight", "decoder.layers.2.cross_attn_layer_norm.weight"},
      {"decoder.layers.2.cross_attn_ln.weight", "decoder.layers.2.cross_attn_mid_layer_norm.weight"},
  };
  for (const auto& [fairseq, hf] : renames) {
    EXPECT_EQ(hf_key_from_fairseq(fairseq), hf);
    EXPECT_EQ(hf_key_from_fairseq(hf), hf) << "HF names pass through unchanged";
  }
}

TEST(KeyNames, LeavesOtherKeysAlone) {
  for (const char* key : {"encoder.embed_tokens.weight", "encoder.layers.0.self_attn_layer_norm.weight",
                          "encoder.layers.0.self_attn.q_proj.weight", "decoder.attn_ln.weight",
                          "encoder.layers.x.attn_ln.weight", "decoder.layers.0.attn_ln.weight",
                          "encoder.layers.0.encoder_attn.k_proj.weight", "encoder.encoder_prompt_encoder.embedding.weight"}) {
    EXPECT_EQ(hf_key_from_fairseq(key), key);
  }
}

TEST(KeyNames, RenamesTheFairseqFixture) {
  const TensorMap fairseq = read_fairseq_checkpoint(testing::fixture("fairseq_args.pt")).model;
  const TensorMap hf = hf_state_from_fairseq(fairseq, "fairseq_args.pt");
  ASSERT_EQ(hf.size(), fairseq.size());
  EXPECT_EQ(hf.count("decoder.layers.0.cross_attn_layer_norm.weight"), 1u);
  EXPECT_EQ(hf.count("encoder.layers.0.self_attn_mid_layer_norm.weight"), 1u);
  EXPECT_EQ(hf.count("decoder.layers.0.encoder_attn.k_proj.weight"), 0u);
  EXPECT_TRUE(hf.at("decoder.layers.0.cross_attn.k_proj.weight")
                  .is_same(fairseq.at("decoder.layers.0.encoder_attn.k_proj.weight")));
}

TEST(KeyNames, RefusesTwoKeysWithOneHfName) {
  const TensorMap both = {{"encoder.layers.0.attn_ln.weight", at::zeros({2})},
                          {"encoder.layers.0.self_attn_mid_layer_norm.weight", at::zeros({2})}};
  testing::expect_error([&] { hf_state_from_fairseq(both, "x.pt"); }, ErrorKind::kSchema,
                        {"x.pt", "both map to 'encoder.layers.0.self_attn_mid_layer_norm.weight'"});
}

TEST(KeyNames, RegeneratedAndOptionalKeys) {
  for (const char* key : {"encoder.token_rp_bucket", "decoder.token_rp_bucket", "encoder.image_rp_bucket",
                          "decoder.image_rp_bucket", "decoder.image_position_idx", "encoder.version",
                          "decoder.version"}) {
    EXPECT_TRUE(is_regenerated_key(key)) << key;
  }
  for (const char* key : {"encoder.embed_tokens.weight", "encoder.image_position_idx", "version",
                          "encoder.layers.0.version_x"}) {
    EXPECT_FALSE(is_regenerated_key(key)) << key;
  }
  EXPECT_TRUE(is_optional_model_key("encoder.embed_images.bn1.num_batches_tracked"));
  EXPECT_FALSE(is_optional_model_key("encoder.embed_images.bn1.running_var"));
  EXPECT_EQ(shared_embedding_aliases(),
            (std::vector<std::string>{"decoder.embed_tokens.weight", "decoder.output_projection.weight"}));
}

}  // namespace
}  // namespace ofapt
