#include "checkpoint/key_names.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include "util/error.h"
#include "util/strings.h"

namespace ofapt {
namespace {

std::vector<std::string> split(const std::string& key) {
  std::vector<std::string> parts;
  size_t begin = 0;
  while (true) {
    const size_t dot = key.find('.', begin);
    parts.push_back(key.substr(begin, dot - begin));
    if (dot == std::string::npos) return parts;
    begin = dot + 1;
  }
}

bool is_number(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::string hf_key_from_fairseq(const std::string& key) {
  // (stack, fairseq module) -> HF module, for the segment right after "<stack>.layers.<i>".
  static const std::map<std::pair<std::string, std::string>, std::string> kRenames = {
      {{"encoder", "attn_ln"}, "self_attn_mid_layer_norm"},
      {{"encoder", "ffn_layernorm"}, "ffn_layer_norm"},
      {{"decoder", "ffn_layernorm"}, "ffn_layer_norm"},
      {{"decoder", "self_attn_ln"}, "self_attn_mid_layer_norm"},
      {{"decoder", "encoder_attn"}, "cross_attn"},
      {{"decoder", "encoder_attn_layer_norm"}, "cross_attn_layer_norm"},
      {{"decoder", "cross_attn_ln"}, "cross_attn_mid_layer_norm"},
  };
  std::vector<std::string> parts = split(key);
  if (parts.size() < 4 || parts[1] != "layers" || !is_number(parts[2])) return key;
  auto found = kRenames.find({parts[0], parts[3]});
  if (found == kRenames.end()) return key;
  parts[3] = found->second;
  std::string renamed = parts[0];
  for (size_t i = 1; i < parts.size(); ++i) renamed += "." + parts[i];
  return renamed;
}

TensorMap hf_state_from_fairseq(const TensorMap& fairseq_state, const std::string& source) {
  TensorMap renamed;
  std::map<std::string, std::string> origin;  // HF name -> the file key it came from
  for (const auto& [key, tensor] : fairseq_state) {
    const std::string name = hf_key_from_fairseq(key);
    auto [previous, inserted] = origin.emplace(name, key);
    OFAPT_CHECK(inserted, ErrorKind::kSchema, source, ": keys '", previous->second, "' and '", key, "' both map to '",
                name, "'");
    renamed.emplace(name, tensor);
  }
  return renamed;
}

bool is_regenerated_key(const std::string& key) {
  return ends_with(key, ".token_rp_bucket") || ends_with(key, ".image_rp_bucket") ||
         key == "decoder.image_position_idx" || key == "encoder.version" || key == "decoder.version";
}

bool is_optional_model_key(const std::string& key) { return ends_with(key, ".num_batches_tracked"); }

const std::vector<std::string>& shared_embedding_aliases() {
  static const std::vector<std::string> kAliases = {"decoder.embed_tokens.weight", "decoder.output_projection.weight"};
  return kAliases;
}

}  // namespace ofapt
