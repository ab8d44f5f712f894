#include "model/attention.h"

#include <cmath>

#include "util/torch_compat.h"

namespace ofapt {

OfaAttentionImpl::OfaAttentionImpl(const AttentionOptions& options)
    : options_(options), head_dim_(options.embed_dim / options.heads) {
  scaling_ = std::pow(static_cast<double>(head_dim_) * options.scale_factor, -0.5);
  const int64_t d = options.embed_dim;
  // Registration order follows the authors' port so a state dict lists in the same order.
  k_proj_ = register_module("k_proj", torch::nn::Linear(d, d));
  v_proj_ = register_module("v_proj", torch::nn::Linear(d, d));
  q_proj_ = register_module("q_proj", torch::nn::Linear(d, d));
  out_proj_ = register_module("out_proj", torch::nn::Linear(d, d));
  if (options.scale_heads) c_attn_ = register_parameter("c_attn", torch::ones({options.heads}));
}

torch::Tensor OfaAttentionImpl::split_heads(const torch::Tensor& x) const {
  return x.view({x.size(0), x.size(1), options_.heads, head_dim_}).transpose(1, 2);
}

torch::Tensor OfaAttentionImpl::project_keys(const torch::Tensor& input) { return split_heads(k_proj_(input)); }
torch::Tensor OfaAttentionImpl::project_values(const torch::Tensor& input) { return split_heads(v_proj_(input)); }

torch::Tensor OfaAttentionImpl::forward(const torch::Tensor& query_input, const torch::Tensor& keys,
                                        const torch::Tensor& values, const torch::Tensor& bias,
                                        const PrefixKV& prefix) {
  auto q = split_heads(q_proj_(query_input) * scaling_);  // q <- q / sqrt(2 hd)
  auto k = keys;
  auto v = values;
  auto mask = bias;
  if (prefix.defined()) {
    // Prompt columns come first, with zero bias: no position bias and never masked.
    k = torch::cat({prefix.key.to(k.dtype()), k}, 2);
    v = torch::cat({prefix.value.to(v.dtype()), v}, 2);
    if (mask.defined()) mask = torch::constant_pad_nd(mask, {prefix.key.size(2), 0}, 0.0);
  }
  const double dropout = is_training() ? options_.dropout : 0.0;
  c10::optional<torch::Tensor> additive = mask.defined() ? c10::optional<torch::Tensor>(mask.to(q.dtype()))
                                                         : c10::nullopt;
  auto out = tc::sdpa_unscaled(q, k, v, additive, dropout);  // softmax(q k^T + bias) v: [B,H,Tq,hd]
  if (c_attn_.defined()) out = out * c_attn_.view({1, -1, 1, 1});
  out = out.transpose(1, 2).reshape({query_input.size(0), query_input.size(1), options_.embed_dim});
  return out_proj_(out);
}

}  // namespace ofapt
