// OFA multi-head attention (ofa-spec 5.1): q scaled by (factor*hd)^-0.5, an additive bias
// (positions + masks) on the real key columns, softmax in float32, per-head gains c_attn before out_proj.
// The prefix hook prepends per-layer prompt keys/values (ofa-spec 9.3-9.4); it costs nothing when absent.
#pragma once

#include <torch/torch.h>

#include <map>
#include <memory>
#include <string>

#include "model/layer_hooks.h"

namespace ofapt {

// Prompt keys/values for one attention layer, already in per-head space: [B, H, P, hd] each.
// They bypass k_proj/v_proj, get no position bias and are never masked.
// Rows whose prompt is shorter than P (a mixed batch from a prompt bank) carry an additive
// padding_bias [B, 1, 1, P] that is -inf on their unused columns.
//
// Without a gate the prompt columns join the layer's one softmax (the reference). With a gate
// (zero-init gated attention, as LLaMA-Adapter) the prompt is attended on its own and added:
//   out = softmax(q k^T + bias) v + gate * softmax(q P_k^T) P_v,   gate = tanh(g) per head,
// so a gate of 0 leaves the frozen layer exactly as it was. In a mixed batch, gated_rows [B] says
// which rows use the gate; the others take the reference's joint softmax.
struct PrefixKV {
  torch::Tensor key;
  torch::Tensor value;
  torch::Tensor padding_bias;  // undefined: every prompt column is used by every row
  torch::Tensor gate;          // [B|1, H, 1, 1] factor on the prompt's own attention; undefined: joint softmax
  torch::Tensor gated_rows;    // [B] bool; undefined: every row is gated (when `gate` is defined)
  bool defined() const { return key.defined(); }
  // The same prompt with f applied to each of its defined tensors (a device move, say).
  template <typename F>
  PrefixKV map_tensors(F f) const {
    auto apply = [&](const torch::Tensor& t) { return t.defined() ? f(t) : t; };
    return {apply(key), apply(value), apply(padding_bias), apply(gate), apply(gated_rows)};
  }
};

struct AttentionOptions {
  int64_t embed_dim = 256;       // d
  int64_t heads = 4;             // H
  double scale_factor = 2.0;     // attn_scale_factor
  double dropout = 0.0;          // dropout on attention probabilities (training only)
  bool scale_heads = true;       // learnable per-head gain c_attn [H] (NormFormer)
};

class OfaAttentionImpl : public torch::nn::Module {
 public:
  explicit OfaAttentionImpl(const AttentionOptions& options);

  // [B, T, d] -> [B, H, T, hd]
  torch::Tensor project_keys(const torch::Tensor& input);
  torch::Tensor project_values(const torch::Tensor& input);

  // query_input [B, Tq, d]; keys/values [B, H, Tk, hd]; bias additive, broadcastable to [B, H, Tq, Tk]
  // (undefined = none). Returns [B, Tq, d].
  torch::Tensor forward(const torch::Tensor& query_input, const torch::Tensor& keys, const torch::Tensor& values,
                        const torch::Tensor& bias, const PrefixKV& prefix = {});

  // Attaches a delta to one of q_proj, k_proj, v_proj, out_proj (nullptr detaches).
  void attach_delta(const std::string& projection, std::shared_ptr<LinearDelta> delta);

  int64_t heads() const { return options_.heads; }
  int64_t head_dim() const { return head_dim_; }

 private:
  torch::Tensor split_heads(const torch::Tensor& x) const;  // [B,T,d] -> [B,H,T,hd]
  // [B, H, Tq, hd] before the per-head gains: one softmax over [prompt | real] columns (the reference).
  torch::Tensor joint_attention(const torch::Tensor& q, const torch::Tensor& keys, const torch::Tensor& values,
                                const torch::Tensor& bias, const PrefixKV& prefix, double dropout) const;
  // The same with the prompt attended on its own and added through prefix.gate.
  torch::Tensor gated_attention(const torch::Tensor& q, const torch::Tensor& keys, const torch::Tensor& values,
                                const torch::Tensor& bias, const PrefixKV& prefix, double dropout) const;

  AttentionOptions options_;
  int64_t head_dim_;
  double scaling_;
  torch::nn::Linear q_proj_{nullptr}, k_proj_{nullptr}, v_proj_{nullptr}, out_proj_{nullptr};
  torch::Tensor c_attn_;
  std::shared_ptr<LinearDelta> q_delta_, k_delta_, v_delta_, out_delta_;
};
TORCH_MODULE(OfaAttention);

}  // namespace ofapt
