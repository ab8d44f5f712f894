// OfaModel: encoder + decoder around one shared token embedding (ofa-spec sections 1-6).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/decoder.h"
#include "model/encoder.h"
#include "model/ofa_config.h"

namespace ofapt {

// Per-layer prompt keys/values for both stacks; an empty list means no prompt on that stack.
struct PromptKV {
  std::vector<PrefixKV> encoder;  // per-layer prefix key/values (prompt tuning), or empty
  std::vector<PrefixKV> decoder;
  SoftPromptTokens input;         // prompt tokens in the encoder input (kind=input), or undefined
};

class OfaModelImpl : public torch::nn::Module {
 public:
  explicit OfaModelImpl(const OfaConfig& config);

  EncoderOutput encode(const EncoderInput& input, const PromptKV& prompt = {});
  // Logits [B, t_new, V] for the target prefix (see OfaDecoderImpl::forward for `state`).
  torch::Tensor decode(const torch::Tensor& prev_tokens, const EncoderOutput& encoder_out,
                       const PromptKV& prompt = {}, DecoderState* state = nullptr);
  // Teacher-forced logits [B, t, V].
  torch::Tensor forward(const EncoderInput& input, const torch::Tensor& prev_tokens, const PromptKV& prompt = {});

  // BERT-style initialisation as the reference applies before loading (Linear/Embedding N(0, 0.02),
  // zero biases, zero padding row); LayerNorm, BatchNorm and c_attn keep their ones/zeros.
  void initialize_weights(uint64_t seed);

  const OfaConfig& config() const { return config_; }
  OfaEncoder& encoder() { return encoder_; }
  OfaDecoder& decoder() { return decoder_; }
  torch::nn::Embedding& embed_tokens() { return embed_tokens_; }

 private:
  OfaConfig config_;
  torch::nn::Embedding embed_tokens_{nullptr};
  OfaEncoder encoder_{nullptr};
  OfaDecoder decoder_{nullptr};
};
TORCH_MODULE(OfaModel);

}  // namespace ofapt

namespace ofapt {

// Selects batch rows of every prefix tensor (beam expansion and reordering).
inline PromptKV index_select_rows(const PromptKV& prompt, const torch::Tensor& rows) {
  // A tensor of one row (a gate shared by the batch) broadcasts as it is.
  auto per_row = [&](const torch::Tensor& t) { return !t.defined() || t.size(0) == 1 ? t : t.index_select(0, rows); };
  auto select = [&](const std::vector<PrefixKV>& layers) {
    std::vector<PrefixKV> out;
    out.reserve(layers.size());
    for (const auto& layer : layers) {
      if (!layer.defined()) {
        out.push_back(layer);
        continue;
      }
      out.push_back({layer.key.index_select(0, rows), layer.value.index_select(0, rows), per_row(layer.padding_bias),
                     per_row(layer.gate), layer.gated_rows.defined() ? layer.gated_rows.index_select(0, rows)
                                                                     : torch::Tensor()});
    }
    return out;
  };
  SoftPromptTokens input = prompt.input;
  if (input.defined()) input.embeddings = per_row(input.embeddings);
  return {select(prompt.encoder), select(prompt.decoder), input};
}

}  // namespace ofapt
