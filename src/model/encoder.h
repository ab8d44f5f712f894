// The OFA encoder (ofa-spec 3 and 4): ResNet patches and text tokens -> one sequence
// [image patches ; text] read by pre-LN layers with absolute and relative position biases.
#pragma once

#include <torch/torch.h>

#include <map>
#include <utility>
#include <vector>

#include "model/attention.h"
#include "model/ofa_config.h"
#include "model/resnet.h"
#include "model/transformer_layer.h"

namespace ofapt {

struct EncoderInput {
  torch::Tensor tokens;            // [B, L] int64 source ids (bos ... eos, right-padded with pad)
  torch::Tensor images;            // [B, 3, S, S] normalised pixels, or undefined for text-only input
  torch::Tensor image_present;     // [B] bool: false marks a sample's image positions as padding (optional)
  torch::Tensor token_embeddings;  // [B, L, d] replaces embed_tokens(tokens) when defined (embedding attacks)
  torch::Tensor image_features;    // [B, 1024, h, w] precomputed ResNet output; skips the ResNet when defined
};

// Input-level soft prompt tokens (Lester et al. 2021; tuning/input_prompt.h): trained vectors placed
// among the text token embeddings, where they take text positions like tokens do. Unlike prefix
// key/values, where they go changes what the model computes.
enum class SoftPromptPosition {
  kPrefix,  // right after bos
  kMiddle,  // after the first half of each row's tokens between bos and eos
  kEnd,     // right before each row's eos
};

struct SoftPromptTokens {
  torch::Tensor embeddings;  // [B, n, d]; undefined = none
  SoftPromptPosition position = SoftPromptPosition::kPrefix;
  bool defined() const { return embeddings.defined(); }
};

struct EncoderOutput {
  torch::Tensor hidden;               // [B, T, d] final (layer-normed) states, T = patches + tokens
  torch::Tensor padding_mask;         // [B, T] bool, true = padding
  torch::Tensor position_embeddings;  // [1, T, d] layer-normed positions, the key side of the cross bias

  // Selects batch rows (beam expansion and reordering).
  EncoderOutput index_select(const torch::Tensor& rows) const;
};

class OfaEncoderImpl : public torch::nn::Module {
 public:
  OfaEncoderImpl(const OfaConfig& config, torch::nn::Embedding embed_tokens);

  // prefixes: one PrefixKV per layer (prompt tuning) or empty; soft: prompt tokens for the input.
  EncoderOutput forward(const EncoderInput& input, const std::vector<PrefixKV>& prefixes = {},
                        const SoftPromptTokens& soft = {});

  ResNet& embed_images() { return embed_images_; }

 private:
  // [1, H, T, T] absolute position bias from the layer-normed positions pe [1, T, d].
  torch::Tensor absolute_bias(const torch::Tensor& pe);
  // [H, N, N] image relative bias of layer `layer` for an h x w grid.
  torch::Tensor image_relative_bias(int64_t layer, int64_t h, int64_t w);

  OfaConfig config_;
  double pos_scaling_;
  torch::nn::Embedding embed_tokens_{nullptr}, type_embedding_{nullptr};
  torch::nn::LayerNorm layernorm_embedding_{nullptr}, patch_layernorm_embedding_{nullptr};
  ResNet embed_images_{nullptr};
  torch::nn::Linear image_proj_{nullptr};
  torch::nn::Embedding embed_positions_{nullptr}, embed_image_positions_{nullptr};
  torch::nn::LayerNorm pos_ln_{nullptr}, image_pos_ln_{nullptr};
  torch::nn::Linear pos_q_linear_{nullptr}, pos_k_linear_{nullptr};
  torch::nn::ModuleList layers_{nullptr};
  std::vector<EncoderLayer> layer_list_;
  torch::nn::LayerNorm layer_norm_{nullptr};
  std::vector<torch::nn::Embedding> token_rel_pos_tables_, image_rel_pos_tables_;
  torch::Tensor token_rp_bucket_;                                       // regenerated, not loaded
  std::map<std::pair<int64_t, int64_t>, torch::Tensor> image_buckets_;  // [N, N] per grid, computed on first use
};
TORCH_MODULE(OfaEncoder);

}  // namespace ofapt
