// OfaConfig: the shape and behaviour switches of one OFA model (ofa-spec sections 1-5).
// Field names follow the authors' Hugging Face config.json, so from/to JSON is a plain copy.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ofapt {

struct OfaConfig {
  int64_t vocab_size = 59457;              // 4 specials + 50260 dictionary + <mask> + 8192 codes + 1000 bins
  int64_t d_model = 256;                   // model width d
  int64_t encoder_layers = 4;              // Le
  int64_t decoder_layers = 4;              // Ld
  int64_t encoder_attention_heads = 4;     // H (encoder)
  int64_t decoder_attention_heads = 4;     // H (decoder)
  int64_t encoder_ffn_dim = 1024;          // F (encoder)
  int64_t decoder_ffn_dim = 1024;          // F (decoder)
  std::string resnet_type = "resnet50";    // resnet18/34/50/101/152: stages 1-3 of that ResNet
  int64_t max_position_embeddings = 1024;  // text positions; tables hold this + 2 rows
  int64_t token_bucket_size = 256;         // 1-D relative buckets: 2*size-1 rows per layer
  int64_t image_bucket_size = 42;          // 2-D canvas side: patch grids up to 42x42
  double attn_scale_factor = 2.0;          // q is scaled by (hd * factor)^-0.5
  bool normformer = true;                  // mid-attention LN, FFN LN and per-head gains (NormFormer)
  bool layernorm_embedding = true;         // LN after the token embedding
  bool patch_layernorm_embedding = true;   // LN after the image patch embedding
  bool code_layernorm_embedding = true;    // LN for image-code targets (kept for checkpoint compatibility)
  bool add_type_embedding = true;          // text/image type embedding
  bool scale_embedding = false;            // multiply embeddings by sqrt(d) (OFA: off)
  // Also add the raw absolute position embeddings to the text, image and target embeddings, so the
  // hidden states themselves carry positions (OFA's option; its released scripts turn it off).
  bool entangle_position_embedding = false;
  // The same for the decoder's target embeddings. Equal to the above except in fairseq checkpoints
  // trained without --disable-entangle: the reference decoder then adds positions on its own.
  bool decoder_entangle_position_embedding = false;
  int64_t code_image_size = 128;           // image-code generation grid (decoder image_position_idx)
  double dropout = 0.0;                    // residual and embedding dropout
  double attention_dropout = 0.0;          // dropout on attention probabilities
  double activation_dropout = 0.0;         // dropout after the FFN activation
  double encoder_drop_path_rate = 0.0;     // stochastic depth, linearly increasing over layers
  double decoder_drop_path_rate = 0.0;
  double resnet_drop_path_rate = 0.0;
  int64_t pad_token_id = 1;
  int64_t bos_token_id = 0;
  int64_t eos_token_id = 2;

  int64_t encoder_head_dim() const { return d_model / encoder_attention_heads; }
  int64_t decoder_head_dim() const { return d_model / decoder_attention_heads; }
  // Bottleneck blocks per ResNet stage 1-3 for resnet_type.
  std::vector<int64_t> resnet_blocks() const;

  // Throws Error(kSchema) naming `source` when a field is inconsistent (e.g. d not divisible by H).
  void validate(const std::string& source) const;

  // Presets: micro (tests and smoke runs), nano (the synthetic world's default model, sized for a
  // 2-core CPU), tiny, medium, base, large, huge (ofa-spec section 1).
  static OfaConfig preset(const std::string& name);
  static std::vector<std::string> preset_names();

  // Reads an authors'-port config.json object; unknown keys are ignored, known keys type-checked.
  static OfaConfig from_json(const nlohmann::json& json, const std::string& source);
  nlohmann::json to_json() const;
};

// Parameter count of the model this config builds, computed from shapes alone (no weights).
int64_t count_parameters(const OfaConfig& config);

}  // namespace ofapt
