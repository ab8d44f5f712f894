#include "model/decoder.h"

#include <cmath>

#include "model/embedding_parts.h"
#include "model/position_buckets.h"
#include "util/error.h"

namespace ofapt {

void DecoderState::index_select(const torch::Tensor& rows) {
  for (auto& layer : layers) {
    for (auto* tensor : {&layer.self_key, &layer.self_value, &layer.cross_key, &layer.cross_value}) {
      if (tensor->defined()) *tensor = tensor->index_select(0, rows);
    }
  }
  if (cross_position_keys.defined() && cross_position_keys.size(0) > 1) {
    cross_position_keys = cross_position_keys.index_select(0, rows);
  }
}

OfaDecoderImpl::OfaDecoderImpl(const OfaConfig& config, torch::nn::Embedding shared_embedding)
    : config_(config), embed_tokens_(shared_embedding) {
  const int64_t d = config.d_model;
  const int64_t heads = config.decoder_attention_heads;
  pos_scaling_ = std::pow(static_cast<double>(d) / heads * config.attn_scale_factor, -0.5);
  layers_ = register_module("layers", torch::nn::ModuleList());
  const auto rates = torch::linspace(0, config.decoder_drop_path_rate, config.decoder_layers);
  for (int64_t i = 0; i < config.decoder_layers; ++i) {
    layer_list_.push_back(DecoderLayer(config, rates[i].item<double>()));
    layers_->push_back(layer_list_.back());
  }
  if (config.layernorm_embedding) layernorm_embedding_ = register_module("layernorm_embedding", make_layer_norm(d));
  embed_positions_ = register_module("embed_positions", torch::nn::Embedding(config.max_position_embeddings + 2, d));
  const int64_t side = config.image_bucket_size;
  // Image positions, image_pos_ln and the image relative tables serve image-code generation, which
  // ofapt's tasks do not use; they are kept so checkpoints load name for name.
  embed_image_positions_ = register_module("embed_image_positions", torch::nn::Embedding(side * side + 1, d));
  pos_ln_ = register_module("pos_ln", make_layer_norm(d));
  image_pos_ln_ = register_module("image_pos_ln", make_layer_norm(d));
  self_pos_q_linear_ = register_module("self_pos_q_linear", torch::nn::Linear(d, d));
  self_pos_k_linear_ = register_module("self_pos_k_linear", torch::nn::Linear(d, d));
  cross_pos_q_linear_ = register_module("cross_pos_q_linear", torch::nn::Linear(d, d));
  cross_pos_k_linear_ = register_module("cross_pos_k_linear", torch::nn::Linear(d, d));
  if (config.code_layernorm_embedding) {
    code_layernorm_embedding_ = register_module("code_layernorm_embedding", make_layer_norm(d));
  }
  layer_norm_ = register_module("layer_norm", make_layer_norm(d));
  auto token_tables = register_module("token_rel_pos_table_list", torch::nn::ModuleList());
  auto image_tables = register_module("image_rel_pos_table_list", torch::nn::ModuleList());
  const int64_t image_distances = (2 * side - 1) * (2 * side - 1) + 3;
  for (int64_t i = 0; i < config.decoder_layers; ++i) {
    token_rel_pos_tables_.push_back(torch::nn::Embedding(2 * config.token_bucket_size - 1, heads));
    token_tables->push_back(token_rel_pos_tables_.back());
    image_tables->push_back(torch::nn::Embedding(image_distances, heads));
  }
  token_rp_bucket_ = make_token_bucket_position(config.token_bucket_size, config.max_position_embeddings);
}

torch::Tensor OfaDecoderImpl::output_projection(const torch::Tensor& features) {
  return torch::matmul(features, embed_tokens_->weight.t());  // tied with the token embedding
}

torch::Tensor OfaDecoderImpl::forward(const torch::Tensor& prev_tokens, const EncoderOutput& encoder_out,
                                      const std::vector<PrefixKV>& prefixes, DecoderState* state) {
  return output_projection(features(prev_tokens, encoder_out, prefixes, state));
}

torch::Tensor OfaDecoderImpl::features(const torch::Tensor& prev_tokens, const EncoderOutput& encoder_out,
                                       const std::vector<PrefixKV>& prefixes, DecoderState* state) {
  OFAPT_CHECK(prev_tokens.dim() == 2, ErrorKind::kInput, "decoder tokens must be [batch, length]");
  const int64_t length = prev_tokens.size(1);
  const int64_t start = state != nullptr ? state->length : 0;
  OFAPT_CHECK(start < length, ErrorKind::kInternal, "decoder state already holds ", start, " of ", length,
              " positions");
  OFAPT_CHECK(length <= config_.max_position_embeddings, ErrorKind::kInput, "target length ", length,
              " exceeds max_position_embeddings ", config_.max_position_embeddings);
  OFAPT_CHECK(prefixes.empty() || static_cast<int64_t>(prefixes.size()) == config_.decoder_layers,
              ErrorKind::kInternal, "decoder prefix list has ", prefixes.size(), " layers, model has ",
              config_.decoder_layers);
  const int64_t heads = config_.decoder_attention_heads;
  const bool training = is_training();

  // Positions are computed over the whole prefix; only the rows of new positions are used (ofa-spec 5.4).
  const auto tgt_positions = embed_positions_(torch::arange(length, prev_tokens.options())).unsqueeze(0);
  auto tgt_pe = pos_ln_(tgt_positions);
  auto new_pe = tgt_pe.slice(1, start);
  auto self_q = split_position_heads(self_pos_q_linear_(new_pe), heads) * pos_scaling_;
  auto self_k = split_position_heads(self_pos_k_linear_(tgt_pe), heads);
  auto self_abs = torch::matmul(self_q, self_k.transpose(2, 3));  // [1, H, t_new, t]
  torch::Tensor cross_keys = state != nullptr ? state->cross_position_keys : torch::Tensor();
  if (!cross_keys.defined()) {
    cross_keys = split_position_heads(cross_pos_k_linear_(encoder_out.position_embeddings), heads);
    if (state != nullptr) state->cross_position_keys = cross_keys;
  }
  auto cross_q = split_position_heads(cross_pos_q_linear_(new_pe), heads) * pos_scaling_;
  auto cross_bias = torch::matmul(cross_q, cross_keys.transpose(2, 3));  // [1, H, t_new, T]
  cross_bias = add_biases(cross_bias, key_padding_bias(encoder_out.padding_mask, cross_bias.scalar_type()));

  // Causal mask over the new rows, plus padding of the target prefix when present.
  auto causal = torch::full({length - start, length}, -std::numeric_limits<float>::infinity(), self_abs.options())
                    .triu(start + 1);
  auto target_padding = prev_tokens.eq(config_.pad_token_id);
  auto padding_bias = target_padding.any().item<bool>() ? key_padding_bias(target_padding, self_abs.scalar_type())
                                                        : torch::Tensor();
  auto static_self_bias = add_biases(self_abs + causal, padding_bias);
  auto bucket = token_rp_bucket_.slice(0, start, length).slice(1, 0, length).to(prev_tokens.device());

  const double embed_scale = config_.scale_embedding ? std::sqrt(static_cast<double>(config_.d_model)) : 1.0;
  auto x = embed_tokens_(prev_tokens.slice(1, start));
  if (embed_scale != 1.0) x = x * embed_scale;
  if (config_.decoder_entangle_position_embedding) x = x + tgt_positions.slice(1, start);
  if (layernorm_embedding_) x = layernorm_embedding_(x);
  x = torch::dropout(x, config_.dropout, training);

  if (state != nullptr && state->layers.empty()) state->layers.resize(config_.decoder_layers);
  for (int64_t i = 0; i < config_.decoder_layers; ++i) {
    auto rel = torch::embedding(token_rel_pos_tables_[i]->weight, bucket).permute({2, 0, 1});  // [H, t_new, t]
    auto self_bias = static_self_bias + rel.unsqueeze(0);
    x = layer_list_[i](x, self_bias, encoder_out.hidden, cross_bias, prefixes.empty() ? PrefixKV{} : prefixes[i],
                       state != nullptr ? &state->layers[i] : nullptr);
  }
  if (state != nullptr) state->length = length;
  return layer_norm_(x);
}

}  // namespace ofapt
