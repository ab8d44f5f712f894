// The OFA decoder (ofa-spec 4.1, 5.3-5.4): token embedding + LN, pre-LN layers with self-attention
// (absolute + relative bias, causal) and cross-attention (absolute bias only), final LN, tied output projection.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/encoder.h"
#include "model/ofa_config.h"
#include "model/transformer_layer.h"

namespace ofapt {

// Incremental decoding state: per-layer key/value caches and how many target positions they hold.
struct DecoderState {
  std::vector<LayerCache> layers;
  int64_t length = 0;
  torch::Tensor cross_position_keys;  // [1|B, H, T, hd] cross_pos_k(encoder positions), computed once

  // Keeps batch rows `rows` (beam search reordering).
  void index_select(const torch::Tensor& rows);
};

class OfaDecoderImpl : public torch::nn::Module {
 public:
  OfaDecoderImpl(const OfaConfig& config, torch::nn::Embedding shared_embedding);

  // prev_tokens [B, t]: the whole target prefix. Without `state` all t positions are computed; with it,
  // only positions state->length..t-1 are, the rest come from the cache. Returns logits [B, t_new, V].
  torch::Tensor forward(const torch::Tensor& prev_tokens, const EncoderOutput& encoder_out,
                        const std::vector<PrefixKV>& prefixes = {}, DecoderState* state = nullptr);

  // The final hidden states before the output projection (same arguments as forward).
  torch::Tensor features(const torch::Tensor& prev_tokens, const EncoderOutput& encoder_out,
                         const std::vector<PrefixKV>& prefixes = {}, DecoderState* state = nullptr);

  torch::Tensor output_projection(const torch::Tensor& features);

 private:
  OfaConfig config_;
  double pos_scaling_;
  torch::nn::Embedding embed_tokens_{nullptr};  // shared with the encoder, registered there only
  torch::nn::LayerNorm layernorm_embedding_{nullptr}, code_layernorm_embedding_{nullptr};
  torch::nn::Embedding embed_positions_{nullptr}, embed_image_positions_{nullptr};
  torch::nn::LayerNorm pos_ln_{nullptr}, image_pos_ln_{nullptr};
  torch::nn::Linear self_pos_q_linear_{nullptr}, self_pos_k_linear_{nullptr};
  torch::nn::Linear cross_pos_q_linear_{nullptr}, cross_pos_k_linear_{nullptr};
  torch::nn::ModuleList layers_{nullptr};
  std::vector<DecoderLayer> layer_list_;
  torch::nn::LayerNorm layer_norm_{nullptr};
  std::vector<torch::nn::Embedding> token_rel_pos_tables_;
  torch::Tensor token_rp_bucket_;  // regenerated, not loaded
};
TORCH_MODULE(OfaDecoder);

}  // namespace ofapt
