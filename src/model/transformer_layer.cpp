#include "model/transformer_layer.h"

#include "model/drop_path.h"
#include "util/error.h"

namespace ofapt {
namespace {

AttentionOptions attention_options(const OfaConfig& config, int64_t heads) {
  AttentionOptions options;
  options.embed_dim = config.d_model;
  options.heads = heads;
  options.scale_factor = config.attn_scale_factor;
  options.dropout = config.attention_dropout;
  options.scale_heads = config.normformer;
  return options;
}

torch::nn::LayerNorm layer_norm(int64_t width) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({width}).eps(1e-5));
}

}  // namespace

LayerBase::LayerBase(const OfaConfig& config, int64_t ffn_dim, double drop_path_rate)
    : config_(config), drop_path_rate_(drop_path_rate) {
  fc1_ = torch::nn::Linear(config.d_model, ffn_dim);
  fc2_ = torch::nn::Linear(ffn_dim, config.d_model);
  ffn_layer_norm_ = config.normformer ? layer_norm(ffn_dim) : nullptr;
  final_layer_norm_ = layer_norm(config.d_model);
}

torch::nn::LayerNorm LayerBase::maybe_layer_norm(const std::string& name, int64_t width, bool present) {
  return present ? register_module(name, layer_norm(width)) : nullptr;
}

torch::Tensor LayerBase::residual(const torch::Tensor& x, const torch::Tensor& branch) {
  auto dropped = torch::dropout(branch, config_.dropout, is_training());
  return x + drop_path(dropped, drop_path_rate_, is_training());
}

torch::Tensor LayerBase::feed_forward(const torch::Tensor& x) {
  auto h = torch::gelu(apply_linear(fc1_, fc1_delta_, final_layer_norm_(x)));
  h = torch::dropout(h, config_.activation_dropout, is_training());
  if (ffn_layer_norm_) h = ffn_layer_norm_(h);
  auto branch = torch::dropout(apply_linear(fc2_, fc2_delta_, h), config_.dropout, is_training());
  if (adapter_) branch = adapter_->adapt(branch);  // Houlsby adapter before the residual add (ofa-spec 9.9)
  return x + drop_path(branch, drop_path_rate_, is_training());
}

void LayerBase::attach_delta(const std::string& linear, std::shared_ptr<LinearDelta> delta) {
  if (linear == "fc1" || linear == "fc2") {
    (linear == "fc1" ? fc1_delta_ : fc2_delta_) = std::move(delta);
    return;
  }
  const auto dot = linear.find('.');
  const std::string owner = linear.substr(0, dot);
  auto child = named_children().find(owner);
  auto* attention = child != nullptr ? (*child)->as<OfaAttention>() : nullptr;
  OFAPT_CHECK(dot != std::string::npos && attention != nullptr, ErrorKind::kUsage, "layer has no linear '", linear,
              "' (fc1, fc2, self_attn.q_proj, cross_attn.v_proj, ...)");
  attention->attach_delta(linear.substr(dot + 1), std::move(delta));
}

EncoderLayerImpl::EncoderLayerImpl(const OfaConfig& config, double drop_path_rate)
    : LayerBase(config, config.encoder_ffn_dim, drop_path_rate) {
  // Registration order follows the authors' port.
  self_attn_ = register_module("self_attn", OfaAttention(attention_options(config, config.encoder_attention_heads)));
  self_attn_layer_norm_ = register_module("self_attn_layer_norm", layer_norm(config.d_model));
  self_attn_mid_layer_norm_ = maybe_layer_norm("self_attn_mid_layer_norm", config.d_model, config.normformer);
  register_module("fc1", fc1_);
  register_module("fc2", fc2_);
  if (ffn_layer_norm_) register_module("ffn_layer_norm", ffn_layer_norm_);
  register_module("final_layer_norm", final_layer_norm_);
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& bias, const PrefixKV& prefix) {
  auto h = self_attn_layer_norm_(x);
  h = self_attn_(h, self_attn_->project_keys(h), self_attn_->project_values(h), bias, prefix);
  if (self_attn_mid_layer_norm_) h = self_attn_mid_layer_norm_(h);
  return feed_forward(residual(x, h));
}

DecoderLayerImpl::DecoderLayerImpl(const OfaConfig& config, double drop_path_rate)
    : LayerBase(config, config.decoder_ffn_dim, drop_path_rate) {
  const auto options = attention_options(config, config.decoder_attention_heads);
  self_attn_ = register_module("self_attn", OfaAttention(options));
  self_attn_layer_norm_ = register_module("self_attn_layer_norm", layer_norm(config.d_model));
  self_attn_mid_layer_norm_ = maybe_layer_norm("self_attn_mid_layer_norm", config.d_model, config.normformer);
  cross_attn_ = register_module("cross_attn", OfaAttention(options));
  cross_attn_layer_norm_ = register_module("cross_attn_layer_norm", layer_norm(config.d_model));
  cross_attn_mid_layer_norm_ = maybe_layer_norm("cross_attn_mid_layer_norm", config.d_model, config.normformer);
  register_module("fc1", fc1_);
  register_module("fc2", fc2_);
  if (ffn_layer_norm_) register_module("ffn_layer_norm", ffn_layer_norm_);
  register_module("final_layer_norm", final_layer_norm_);
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& self_bias,
                                        const torch::Tensor& encoder_out, const torch::Tensor& cross_bias,
                                        const PrefixKV& prefix, LayerCache* cache) {
  // Self-attention over the target prefix (and the prompt).
  auto h = self_attn_layer_norm_(x);
  auto keys = self_attn_->project_keys(h);
  auto values = self_attn_->project_values(h);
  if (cache != nullptr) {
    if (cache->self_key.defined()) {
      keys = torch::cat({cache->self_key, keys}, 2);
      values = torch::cat({cache->self_value, values}, 2);
    }
    cache->self_key = keys;
    cache->self_value = values;
  }
  h = self_attn_(h, keys, values, self_bias, prefix);
  if (self_attn_mid_layer_norm_) h = self_attn_mid_layer_norm_(h);
  auto y = residual(x, h);

  // Cross-attention to the encoder output; its keys/values depend only on the encoder.
  h = cross_attn_layer_norm_(y);
  torch::Tensor cross_keys, cross_values;
  if (cache != nullptr && cache->cross_key.defined()) {
    cross_keys = cache->cross_key;
    cross_values = cache->cross_value;
  } else {
    cross_keys = cross_attn_->project_keys(encoder_out);
    cross_values = cross_attn_->project_values(encoder_out);
    if (cache != nullptr) {
      cache->cross_key = cross_keys;
      cache->cross_value = cross_values;
    }
  }
  h = cross_attn_(h, cross_keys, cross_values, cross_bias);
  if (cross_attn_mid_layer_norm_) h = cross_attn_mid_layer_norm_(h);
  return feed_forward(residual(y, h));
}

}  // namespace ofapt
