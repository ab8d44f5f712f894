#include "checkpoint/fairseq_config.h"

#include <map>

#include "checkpoint/key_names.h"
#include "util/error.h"

namespace ofapt {
namespace {

// ofa-spec section 1: width, FFN width, heads, encoder and decoder layers, ResNet.
struct ArchShape {
  int64_t d, ffn, heads, encoder_layers, decoder_layers;
  const char* resnet;
};

const ArchShape& arch_shape(const std::string& arch, const std::string& source) {
  static const std::map<std::string, ArchShape> kArchs = {
      {"ofa_tiny", {256, 1024, 4, 4, 4, "resnet50"}},      {"ofa_medium", {512, 2048, 8, 4, 4, "resnet101"}},
      {"ofa_base", {768, 3072, 12, 6, 6, "resnet101"}},    {"ofa_large", {1024, 4096, 16, 12, 12, "resnet152"}},
      {"ofa_huge", {1280, 5120, 16, 24, 12, "resnet152"}}, {"ofa", {1024, 4096, 16, 12, 12, "resnet152"}}};
  auto found = kArchs.find(arch);
  OFAPT_CHECK(found != kArchs.end(), ErrorKind::kSchema, source, ": unknown arch '", arch,
              "' (expected ofa_tiny, ofa_medium, ofa_base, ofa_large, ofa_huge or ofa)");
  return found->second;
}

// Reads args[key] as T when present and not null, naming the field on a type mismatch.
template <typename T>
bool read_arg(const nlohmann::json& args, const char* key, T& value, const std::string& source) {
  auto found = args.find(key);
  if (found == args.end() || found->is_null()) return false;
  const bool ok = std::is_same_v<T, bool>          ? found->is_boolean()
                  : std::is_same_v<T, std::string> ? found->is_string()
                  : std::is_integral_v<T>          ? found->is_number_integer()
                                                   : found->is_number();
  OFAPT_CHECK(ok, ErrorKind::kSchema, source, ": argument '", key, "' has the wrong type: ", found->dump());
  value = found->get<T>();
  return true;
}

}  // namespace

nlohmann::json hf_config_from_fairseq_args(const nlohmann::json& args, const TensorMap& model,
                                           const std::string& source) {
  OFAPT_CHECK(args.is_object(), ErrorKind::kSchema, source, ": model arguments are missing or not an object");
  std::string arch = "ofa_large";  // every OFA architecture falls back to ofa_large's defaults
  read_arg(args, "arch", arch, source);
  const ArchShape& shape = arch_shape(arch, source);

  int64_t d = shape.d, encoder_ffn = shape.ffn, decoder_ffn = shape.ffn;
  int64_t encoder_heads = shape.heads, decoder_heads = shape.heads;
  int64_t encoder_layers = shape.encoder_layers, decoder_layers = shape.decoder_layers;
  std::string resnet = shape.resnet;
  read_arg(args, "encoder_embed_dim", d, source);
  int64_t decoder_d = d;
  read_arg(args, "decoder_embed_dim", decoder_d, source);
  OFAPT_CHECK(decoder_d == d, ErrorKind::kSchema, source, ": encoder_embed_dim ", d, " and decoder_embed_dim ",
              decoder_d, " differ; OFA shares one width");
  read_arg(args, "encoder_ffn_embed_dim", encoder_ffn, source);
  read_arg(args, "decoder_ffn_embed_dim", decoder_ffn, source);
  read_arg(args, "encoder_attention_heads", encoder_heads, source);
  read_arg(args, "decoder_attention_heads", decoder_heads, source);
  read_arg(args, "encoder_layers", encoder_layers, source);
  read_arg(args, "decoder_layers", decoder_layers, source);
  read_arg(args, "resnet_type", resnet, source);

  // HF has one NormFormer switch for fairseq's three (--scale-attn --scale-fc --scale-heads).
  bool scale_attn = false, scale_fc = false, scale_heads = false;
  read_arg(args, "scale_attn", scale_attn, source);
  read_arg(args, "scale_fc", scale_fc, source);
  read_arg(args, "scale_heads", scale_heads, source);
  OFAPT_CHECK(scale_attn == scale_fc && scale_fc == scale_heads, ErrorKind::kSchema, source,
              ": scale_attn, scale_fc and scale_heads must be all on or all off (NormFormer), got ",
              scale_attn ? "on" : "off", ", ", scale_fc ? "on" : "off", ", ", scale_heads ? "on" : "off");

  nlohmann::json config = {{"model_type", "ofa"},
                           {"d_model", d},
                           {"encoder_ffn_dim", encoder_ffn},
                           {"decoder_ffn_dim", decoder_ffn},
                           {"encoder_attention_heads", encoder_heads},
                           {"decoder_attention_heads", decoder_heads},
                           {"encoder_layers", encoder_layers},
                           {"decoder_layers", decoder_layers},
                           {"resnet_type", resnet},
                           {"normformer", scale_attn},
                           {"pad_token_id", 1},
                           {"bos_token_id", 0},
                           {"eos_token_id", 2}};

  // Fields with ofa_large_architecture defaults, copied under the same or the HF name.
  auto copy_int = [&](const char* from, const char* to, int64_t fallback) {
    read_arg(args, from, fallback, source);
    config[to] = fallback;
  };
  auto copy_double = [&](const char* from, const char* to, double fallback) {
    read_arg(args, from, fallback, source);
    config[to] = fallback;
  };
  auto copy_bool = [&](const char* key, bool fallback) {
    read_arg(args, key, fallback, source);
    config[key] = fallback;
  };
  copy_int("token_bucket_size", "token_bucket_size", 256);
  copy_int("image_bucket_size", "image_bucket_size", 42);
  copy_int("code_image_size", "code_image_size", 128);
  copy_int("max_source_positions", "max_position_embeddings", 1024);
  copy_double("attn_scale_factor", "attn_scale_factor", 2.0);
  copy_double("dropout", "dropout", 0.0);
  copy_double("attention_dropout", "attention_dropout", 0.0);
  copy_double("activation_dropout", "activation_dropout", 0.0);
  copy_double("encoder_drop_path_rate", "encoder_drop_path_rate", 0.0);
  copy_double("decoder_drop_path_rate", "decoder_drop_path_rate", 0.0);
  copy_double("resnet_drop_path_rate", "resnet_drop_path_rate", 0.0);
  copy_bool("layernorm_embedding", true);
  copy_bool("patch_layernorm_embedding", true);
  copy_bool("code_layernorm_embedding", true);
  copy_bool("add_type_embedding", true);
  copy_bool("entangle_position_embedding", false);
  // The reference decoder adds target positions unless --disable-entangle, whatever the flag above
  // says (its test is `entangle_position_embedding is not None`; ofa-spec 5.4).
  bool disable_entangle = false;
  read_arg(args, "disable_entangle", disable_entangle, source);
  config["decoder_entangle_position_embedding"] = !disable_entangle;
  bool no_scale_embedding = true;
  read_arg(args, "no_scale_embedding", no_scale_embedding, source);
  config["scale_embedding"] = !no_scale_embedding;

  nlohmann::json prompt = nlohmann::json::object();
  for (const auto& [key, value] : args.items()) {
    if (key.rfind("encoder_prompt", 0) == 0 || key.rfind("decoder_prompt", 0) == 0) prompt[key] = value;
  }
  if (!prompt.empty()) config["ofapt_prompt"] = prompt;

  // The tensors are the ground truth: take the vocabulary from them and refuse contradicting args.
  auto embedding = model.find(kSharedEmbeddingKey);
  for (const std::string& alias : shared_embedding_aliases()) {
    if (embedding == model.end()) embedding = model.find(alias);
  }
  OFAPT_CHECK(embedding != model.end() && embedding->second.dim() == 2, ErrorKind::kSchema, source,
              ": the model has no 2-D ", kSharedEmbeddingKey, " to take vocab_size from");
  config["vocab_size"] = embedding->second.size(0);
  OFAPT_CHECK(embedding->second.size(1) == d, ErrorKind::kSchema, source, ": arguments give width ", d,
              " but the token embedding is ", embedding->second.size(0), " x ", embedding->second.size(1));
  if (model.count("encoder.layers.0.self_attn.q_proj.weight") != 0) {
    const bool has_mid_norm = model.count("encoder.layers.0.attn_ln.weight") != 0 ||
                              model.count("encoder.layers.0.self_attn_mid_layer_norm.weight") != 0;
    OFAPT_CHECK(has_mid_norm == scale_attn, ErrorKind::kSchema, source, ": arguments say NormFormer is ",
                scale_attn ? "on" : "off", " but the tensors ", has_mid_norm ? "have" : "lack",
                " its layers (encoder.layers.0.attn_ln)");
  }
  return config;
}

}  // namespace ofapt
