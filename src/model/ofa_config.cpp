#include "model/ofa_config.h"

#include <map>

#include "util/error.h"

namespace ofapt {

std::vector<int64_t> OfaConfig::resnet_blocks() const {
  static const std::map<std::string, std::vector<int64_t>> blocks = {{"resnet18", {2, 2, 2}},
                                                                     {"resnet34", {3, 4, 6}},
                                                                     {"resnet50", {3, 4, 6}},
                                                                     {"resnet101", {3, 4, 23}},
                                                                     {"resnet152", {3, 8, 36}}};
  auto found = blocks.find(resnet_type);
  OFAPT_CHECK(found != blocks.end(), ErrorKind::kSchema, "unknown resnet_type '", resnet_type,
              "' (expected resnet18, resnet34, resnet50, resnet101 or resnet152)");
  return found->second;
}

void OfaConfig::validate(const std::string& source) const {
  auto positive = [&](int64_t value, const char* name) {
    OFAPT_CHECK(value > 0, ErrorKind::kSchema, source, ": ", name, " must be positive, got ", value);
  };
  positive(vocab_size, "vocab_size");
  positive(d_model, "d_model");
  positive(encoder_layers, "encoder_layers");
  positive(decoder_layers, "decoder_layers");
  positive(encoder_attention_heads, "encoder_attention_heads");
  positive(decoder_attention_heads, "decoder_attention_heads");
  positive(encoder_ffn_dim, "encoder_ffn_dim");
  positive(decoder_ffn_dim, "decoder_ffn_dim");
  positive(token_bucket_size, "token_bucket_size");
  positive(image_bucket_size, "image_bucket_size");
  positive(max_position_embeddings, "max_position_embeddings");
  OFAPT_CHECK(d_model % encoder_attention_heads == 0 && d_model % decoder_attention_heads == 0, ErrorKind::kSchema,
              source, ": d_model ", d_model, " is not divisible by the attention heads");
  OFAPT_CHECK(max_position_embeddings >= 2, ErrorKind::kSchema, source, ": max_position_embeddings too small");
  OFAPT_CHECK(std::max({pad_token_id, bos_token_id, eos_token_id}) < vocab_size, ErrorKind::kSchema, source,
              ": special token ids exceed vocab_size ", vocab_size);
  resnet_blocks();
}

OfaConfig OfaConfig::preset(const std::string& name) {
  struct Shape {
    int64_t d, ffn, heads, encoder_layers, decoder_layers;
    const char* resnet;
  };
  static const std::map<std::string, Shape> shapes = {
      {"micro", {64, 128, 4, 2, 2, "resnet50"}},      {"nano", {128, 512, 4, 2, 2, "resnet18"}},
      {"tiny", {256, 1024, 4, 4, 4, "resnet50"}},     {"medium", {512, 2048, 8, 4, 4, "resnet101"}},
      {"base", {768, 3072, 12, 6, 6, "resnet101"}},   {"large", {1024, 4096, 16, 12, 12, "resnet152"}},
      {"huge", {1280, 5120, 16, 24, 12, "resnet152"}}};
  auto found = shapes.find(name);
  OFAPT_CHECK(found != shapes.end(), ErrorKind::kUsage, "unknown preset '", name,
              "' (expected micro, nano, tiny, medium, base, large or huge)");
  const Shape& shape = found->second;
  OfaConfig config;
  config.d_model = shape.d;
  config.encoder_ffn_dim = config.decoder_ffn_dim = shape.ffn;
  config.encoder_attention_heads = config.decoder_attention_heads = shape.heads;
  config.encoder_layers = shape.encoder_layers;
  config.decoder_layers = shape.decoder_layers;
  config.resnet_type = shape.resnet;
  return config;
}

std::vector<std::string> OfaConfig::preset_names() {
  return {"micro", "nano", "tiny", "medium", "base", "large", "huge"};
}

namespace {

// Copies json[key] into `field` when present, naming the source and key on a type mismatch.
template <typename T>
void read_field(const nlohmann::json& json, const char* key, T& field, const std::string& source) {
  auto found = json.find(key);
  if (found == json.end() || found->is_null()) return;
  try {
    if constexpr (std::is_same_v<T, bool>) {
      field = found->is_boolean() ? found->get<bool>() : found->get<int64_t>() != 0;
    } else {
      field = found->get<T>();
    }
  } catch (const nlohmann::json::exception&) {
    throw Error(ErrorKind::kSchema, str(source, ": config field '", key, "' has the wrong type: ", found->dump()));
  }
}

}  // namespace

OfaConfig OfaConfig::from_json(const nlohmann::json& json, const std::string& source) {
  OFAPT_CHECK(json.is_object(), ErrorKind::kSchema, source, ": config is not a JSON object");
  OfaConfig config;
  read_field(json, "vocab_size", config.vocab_size, source);
  read_field(json, "d_model", config.d_model, source);
  read_field(json, "encoder_layers", config.encoder_layers, source);
  read_field(json, "decoder_layers", config.decoder_layers, source);
  read_field(json, "encoder_attention_heads", config.encoder_attention_heads, source);
  read_field(json, "decoder_attention_heads", config.decoder_attention_heads, source);
  read_field(json, "encoder_ffn_dim", config.encoder_ffn_dim, source);
  read_field(json, "decoder_ffn_dim", config.decoder_ffn_dim, source);
  read_field(json, "resnet_type", config.resnet_type, source);
  read_field(json, "max_position_embeddings", config.max_position_embeddings, source);
  read_field(json, "token_bucket_size", config.token_bucket_size, source);
  read_field(json, "image_bucket_size", config.image_bucket_size, source);
  read_field(json, "attn_scale_factor", config.attn_scale_factor, source);
  read_field(json, "normformer", config.normformer, source);
  read_field(json, "layernorm_embedding", config.layernorm_embedding, source);
  read_field(json, "patch_layernorm_embedding", config.patch_layernorm_embedding, source);
  read_field(json, "code_layernorm_embedding", config.code_layernorm_embedding, source);
  read_field(json, "add_type_embedding", config.add_type_embedding, source);
  read_field(json, "scale_embedding", config.scale_embedding, source);
  read_field(json, "code_image_size", config.code_image_size, source);
  read_field(json, "dropout", config.dropout, source);
  read_field(json, "attention_dropout", config.attention_dropout, source);
  read_field(json, "activation_dropout", config.activation_dropout, source);
  read_field(json, "encoder_drop_path_rate", config.encoder_drop_path_rate, source);
  read_field(json, "decoder_drop_path_rate", config.decoder_drop_path_rate, source);
  read_field(json, "resnet_drop_path_rate", config.resnet_drop_path_rate, source);
  read_field(json, "pad_token_id", config.pad_token_id, source);
  read_field(json, "bos_token_id", config.bos_token_id, source);
  read_field(json, "eos_token_id", config.eos_token_id, source);
  read_field(json, "entangle_position_embedding", config.entangle_position_embedding, source);
  // HF OFA ports gate the decoder's positions on entangle && !disable_entangle.
  bool disable_entangle = false;
  read_field(json, "disable_entangle", disable_entangle, source);
  config.decoder_entangle_position_embedding = config.entangle_position_embedding && !disable_entangle;
  read_field(json, "decoder_entangle_position_embedding", config.decoder_entangle_position_embedding, source);
  bool normalize_before = true;
  read_field(json, "encoder_normalize_before", normalize_before, source);
  read_field(json, "decoder_normalize_before", normalize_before, source);
  OFAPT_CHECK(normalize_before, ErrorKind::kSchema, source, ": post-LN OFA (normalize_before=false) is not supported");
  config.validate(source);
  return config;
}

nlohmann::json OfaConfig::to_json() const {
  return {{"model_type", "ofa"},
          {"architectures", {"OFAModel"}},
          {"vocab_size", vocab_size},
          {"d_model", d_model},
          {"encoder_layers", encoder_layers},
          {"decoder_layers", decoder_layers},
          {"encoder_attention_heads", encoder_attention_heads},
          {"decoder_attention_heads", decoder_attention_heads},
          {"encoder_ffn_dim", encoder_ffn_dim},
          {"decoder_ffn_dim", decoder_ffn_dim},
          {"resnet_type", resnet_type},
          {"max_position_embeddings", max_position_embeddings},
          {"token_bucket_size", token_bucket_size},
          {"image_bucket_size", image_bucket_size},
          {"attn_scale_factor", attn_scale_factor},
          {"normformer", normformer},
          {"layernorm_embedding", layernorm_embedding},
          {"patch_layernorm_embedding", patch_layernorm_embedding},
          {"code_layernorm_embedding", code_layernorm_embedding},
          {"add_type_embedding", add_type_embedding},
          {"scale_embedding", scale_embedding},
          {"code_image_size", code_image_size},
          {"dropout", dropout},
          {"attention_dropout", attention_dropout},
          {"activation_dropout", activation_dropout},
          {"encoder_drop_path_rate", encoder_drop_path_rate},
          {"decoder_drop_path_rate", decoder_drop_path_rate},
          {"resnet_drop_path_rate", resnet_drop_path_rate},
          {"entangle_position_embedding", entangle_position_embedding},
          {"decoder_entangle_position_embedding", decoder_entangle_position_embedding},
          {"encoder_normalize_before", true},
          {"decoder_normalize_before", true},
          {"share_decoder_input_output_embed", true},
          {"pad_token_id", pad_token_id},
          {"bos_token_id", bos_token_id},
          {"eos_token_id", eos_token_id},
          {"decoder_start_token_id", bos_token_id}};
}

namespace {

int64_t resnet_parameters(const OfaConfig& config) {
  auto batch_norm = [](int64_t channels) { return 2 * channels; };
  int64_t total = 3 * 64 * 7 * 7 + batch_norm(64);
  int64_t in = 64;
  const std::vector<int64_t> blocks = config.resnet_blocks();
  for (size_t stage = 0; stage < blocks.size(); ++stage) {
    const int64_t width = 64 << stage;
    for (int64_t block = 0; block < blocks[stage]; ++block) {
      total += in * width + batch_norm(width) + 9 * width * width + batch_norm(width) + width * 4 * width +
               batch_norm(4 * width);
      if (block == 0) total += in * 4 * width + batch_norm(4 * width);
      in = 4 * width;
    }
  }
  return total;
}

}  // namespace

int64_t count_parameters(const OfaConfig& c) {
  auto layer_norm = [](int64_t width) { return 2 * width; };
  auto linear = [](int64_t in, int64_t out) { return in * out + out; };
  const int64_t d = c.d_model;
  const int64_t positions = (c.max_position_embeddings + 2) * d;
  const int64_t image_positions = (c.image_bucket_size * c.image_bucket_size + 1) * d;
  const int64_t token_buckets = 2 * c.token_bucket_size - 1;
  const int64_t image_buckets = (2 * c.image_bucket_size - 1) * (2 * c.image_bucket_size - 1) + 3;
  auto attention = [&](int64_t heads) { return 4 * linear(d, d) + (c.normformer ? heads : 0); };
  auto ffn = [&](int64_t f) { return linear(d, f) + linear(f, d) + (c.normformer ? layer_norm(f) : 0); };
  const int64_t mid_norm = c.normformer ? layer_norm(d) : 0;

  int64_t encoder = (c.add_type_embedding ? 2 * d : 0) + (c.layernorm_embedding ? layer_norm(d) : 0) +
                    (c.patch_layernorm_embedding ? layer_norm(d) : 0) + linear(1024, d) + positions + image_positions +
                    2 * layer_norm(d) + 2 * linear(d, d) + layer_norm(d) + resnet_parameters(c);
  encoder +=
      c.encoder_layers * (attention(c.encoder_attention_heads) + layer_norm(d) + mid_norm + ffn(c.encoder_ffn_dim) +
                          layer_norm(d) + (token_buckets + image_buckets) * c.encoder_attention_heads);
  int64_t decoder = (c.layernorm_embedding ? layer_norm(d) : 0) + (c.code_layernorm_embedding ? layer_norm(d) : 0) +
                    positions + image_positions + 2 * layer_norm(d) + 4 * linear(d, d) + layer_norm(d);
  decoder += c.decoder_layers *
             (2 * (attention(c.decoder_attention_heads) + layer_norm(d) + mid_norm) + ffn(c.decoder_ffn_dim) +
              layer_norm(d) + (token_buckets + image_buckets) * c.decoder_attention_heads);
  return c.vocab_size * d + encoder + decoder;
}

}  // namespace ofapt
