// Pre-LN OFA layers with NormFormer extras (ofa-spec 5.2-5.3):
//   x = x + drop_path(dropout(mid_ln(Attn(ln(x)))))            (self-attention; decoder adds cross-attention)
//   x = x + drop_path(dropout(fc2(ffn_ln(act_dropout(gelu(fc1(final_ln(x))))))))
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "model/attention.h"
#include "model/layer_hooks.h"
#include "model/ofa_config.h"

namespace ofapt {

// Cached self-attention keys/values of real tokens [B, H, t, hd] (never the prompt), and the
// cross-attention keys/values of the encoder output, computed once per generation.
struct LayerCache {
  torch::Tensor self_key, self_value;
  torch::Tensor cross_key, cross_value;
};

// The parts every layer shares: the FFN block and the residual with dropout and drop path.
class LayerBase : public torch::nn::Module {
 public:
  // Tuning attachment points (model/layer_hooks.h). `linear` is "fc1", "fc2" or
  // "<self_attn|cross_attn>.<q_proj|k_proj|v_proj|out_proj>"; nullptr detaches.
  void attach_delta(const std::string& linear, std::shared_ptr<LinearDelta> delta);
  void attach_adapter(std::shared_ptr<BranchAdapter> adapter) { adapter_ = std::move(adapter); }

 protected:
  LayerBase(const OfaConfig& config, int64_t ffn_dim, double drop_path_rate);

  torch::Tensor residual(const torch::Tensor& x, const torch::Tensor& branch);  // x + drop_path(dropout(branch))
  torch::Tensor feed_forward(const torch::Tensor& x);                          // the whole FFN sub-block
  torch::nn::LayerNorm maybe_layer_norm(const std::string& name, int64_t width, bool present);

  const OfaConfig config_;
  double drop_path_rate_;
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr};
  torch::nn::LayerNorm ffn_layer_norm_{nullptr}, final_layer_norm_{nullptr};
  std::shared_ptr<LinearDelta> fc1_delta_, fc2_delta_;
  std::shared_ptr<BranchAdapter> adapter_;
};

class EncoderLayerImpl : public LayerBase {
 public:
  EncoderLayerImpl(const OfaConfig& config, double drop_path_rate);
  // x [B,T,d]; bias additive [*,H|1,T,T] (positions + padding); prefix optional.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias, const PrefixKV& prefix = {});

 private:
  OfaAttention self_attn_{nullptr};
  torch::nn::LayerNorm self_attn_layer_norm_{nullptr}, self_attn_mid_layer_norm_{nullptr};
};
TORCH_MODULE(EncoderLayer);

class DecoderLayerImpl : public LayerBase {
 public:
  DecoderLayerImpl(const OfaConfig& config, double drop_path_rate);
  // x [B,t_new,d]; self_bias [*,H|1,t_new,t_all]; encoder_out [B,T,d]; cross_bias [*,H|1,t_new,T].
  // With `cache`, x holds only the new positions: keys/values are appended to the cache and
  // the cross keys/values are computed once and reused.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& self_bias, const torch::Tensor& encoder_out,
                        const torch::Tensor& cross_bias, const PrefixKV& prefix = {}, LayerCache* cache = nullptr);

 private:
  OfaAttention self_attn_{nullptr}, cross_attn_{nullptr};
  torch::nn::LayerNorm self_attn_layer_norm_{nullptr}, self_attn_mid_layer_norm_{nullptr};
  torch::nn::LayerNorm cross_attn_layer_norm_{nullptr}, cross_attn_mid_layer_norm_{nullptr};
};
TORCH_MODULE(DecoderLayer);

}  // namespace ofapt
