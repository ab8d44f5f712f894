// Small builders shared by the encoder and decoder stacks.
#pragma once

#include <torch/torch.h>

namespace ofapt {

inline torch::nn::LayerNorm make_layer_norm(int64_t width) {
  return torch::nn::LayerNorm(torch::nn::LayerNormOptions({width}).eps(1e-5));
}

// [1, T, d] -> [1, H, T, hd]
inline torch::Tensor split_position_heads(const torch::Tensor& x, int64_t heads) {
  return x.view({x.size(0), x.size(1), heads, -1}).transpose(1, 2);
}

// Additive key-padding bias [B, 1, 1, T]: 0 for real keys, -inf for padding (undefined when no padding).
inline torch::Tensor key_padding_bias(const torch::Tensor& padding_mask, torch::ScalarType dtype) {
  if (!padding_mask.defined()) return {};
  return torch::zeros(padding_mask.sizes(), torch::TensorOptions().dtype(dtype).device(padding_mask.device()))
      .masked_fill_(padding_mask, -std::numeric_limits<float>::infinity())
      .view({padding_mask.size(0), 1, 1, padding_mask.size(1)});
}

// Sum of optional additive biases (undefined terms are skipped).
inline torch::Tensor add_biases(const torch::Tensor& a, const torch::Tensor& b) {
  if (!a.defined()) return b;
  if (!b.defined()) return a;
  return a + b;
}

}  // namespace ofapt
