#include "model/attention.h"

#include <cmath>

#include "util/error.h"
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

void OfaAttentionImpl::attach_delta(const std::string& projection, std::shared_ptr<LinearDelta> delta) {
  std::shared_ptr<LinearDelta>* slot = projection == "q_proj"   ? &q_delta_
                                       : projection == "k_proj" ? &k_delta_
                                       : projection == "v_proj" ? &v_delta_
                                       : projection == "out_proj" ? &out_delta_
                                                                  : nullptr;
  OFAPT_CHECK(slot != nullptr, ErrorKind::kUsage, "attention has no projection '", projection,
              "' (q_proj, k_proj, v_proj, out_proj)");
  *slot = std::move(delta);
}

torch::Tensor OfaAttentionImpl::project_keys(const torch::Tensor& input) {
  return split_heads(apply_linear(k_proj_, k_delta_, input));
}
torch::Tensor OfaAttentionImpl::project_values(const torch::Tensor& input) {
  return split_heads(apply_linear(v_proj_, v_delta_, input));
}

namespace {

c10::optional<torch::Tensor> as_mask(const torch::Tensor& bias, const torch::Tensor& q) {
  return bias.defined() ? c10::optional<torch::Tensor>(bias.to(q.dtype())) : c10::nullopt;
}

}  // namespace

torch::Tensor OfaAttentionImpl::joint_attention(const torch::Tensor& q, const torch::Tensor& keys,
                                                const torch::Tensor& values, const torch::Tensor& bias,
                                                const PrefixKV& prefix, double dropout) const {
  auto k = keys;
  auto v = values;
  auto mask = bias;
  if (prefix.defined()) {
    // Prompt columns come first, with zero bias: no position bias and never masked.
    k = torch::cat({prefix.key.to(k.dtype()), k}, 2);
    v = torch::cat({prefix.value.to(v.dtype()), v}, 2);
    const int64_t prompt_length = prefix.key.size(2);
    if (prefix.padding_bias.defined()) {
      // [prompt padding | real bias], broadcast to one shape: [B|1, H|1, Tq, P + Tk].
      auto real = mask.defined() ? mask : torch::zeros({1, 1, q.size(2), keys.size(2)}, q.options());
      const int64_t rows = std::max(real.size(0), prefix.padding_bias.size(0));
      const int64_t heads = real.size(1);
      mask = torch::cat({prefix.padding_bias.to(real.dtype()).expand({rows, heads, q.size(2), prompt_length}),
                         real.expand({rows, heads, q.size(2), keys.size(2)})},
                        3);
    } else if (mask.defined()) {
      mask = torch::constant_pad_nd(mask, {prompt_length, 0}, 0.0);
    }
  }
  return tc::sdpa_unscaled(q, k, v, as_mask(mask, q), dropout);  // softmax(q k^T + bias) v: [B,H,Tq,hd]
}

torch::Tensor OfaAttentionImpl::gated_attention(const torch::Tensor& q, const torch::Tensor& keys,
                                                const torch::Tensor& values, const torch::Tensor& bias,
                                                const PrefixKV& prefix, double dropout) const {
  const auto real = tc::sdpa_unscaled(q, keys, values, as_mask(bias, q), dropout);
  const auto prompt = tc::sdpa_unscaled(q, prefix.key.to(q.dtype()), prefix.value.to(q.dtype()),
                                        as_mask(prefix.padding_bias, q), dropout);
  auto out = real + prefix.gate.to(q.dtype()) * prompt;
  if (!prefix.gated_rows.defined()) return out;
  // A row without a gated prompt (plain prompt, or none: all its columns -inf) takes the joint softmax.
  return torch::where(prefix.gated_rows.view({-1, 1, 1, 1}), out, joint_attention(q, keys, values, bias, prefix, dropout));
}

torch::Tensor OfaAttentionImpl::forward(const torch::Tensor& query_input, const torch::Tensor& keys,
                                        const torch::Tensor& values, const torch::Tensor& bias,
                                        const PrefixKV& prefix) {
  auto q = split_heads(apply_linear(q_proj_, q_delta_, query_input) * scaling_);  // q <- q / sqrt(2 hd)
  const double dropout = is_training() ? options_.dropout : 0.0;
  auto out = prefix.defined() && prefix.gate.defined() ? gated_attention(q, keys, values, bias, prefix, dropout)
                                                       : joint_attention(q, keys, values, bias, prefix, dropout);
  if (c_attn_.defined()) out = out * c_attn_.view({1, -1, 1, 1});
  out = out.transpose(1, 2).reshape({query_input.size(0), query_input.size(1), options_.embed_dim});
  return apply_linear(out_proj_, out_delta_, out);
}

}  // namespace ofapt
