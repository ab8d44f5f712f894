// One stack's prompt generator (ofa-spec 9.2): P rows of per-layer key/value prefixes,
//   reparam "none":     table = E                          E [P, 2·L·d]
//   reparam "mlp":      table = trans(E),                  E [P, d],  trans = Linear(d, h) -> ReLU -> Linear(h, 2·L·d)
//   reparam "residual": table = E + LayerNorm(trans(E)),   E [P, 2·L·d], trans = Linear(2·L·d, h) -> ReLU ->
//                       Linear(h, 2·L·d)   (Residual Prompt Tuning, Razdaibiedina et al., ACL 2023)
// A row is laid out [layer0-K | layer0-V | layer1-K | ...], each d-block head-major, as the reference
// stores it; names (embedding.weight, trans.0.*, trans.2.*) are the reference's. With either MLP the
// table is folded into a plain [P, 2·L·d] table when a tuned-task file is written.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/attention.h"

namespace ofapt {

enum class PromptReparam { kNone, kMlp, kResidual };

struct PromptEncoderOptions {
  int64_t length = 64;        // P
  int64_t layers = 1;         // L: prompted layers of the stack
  int64_t embed_dim = 256;    // d
  int64_t heads = 4;          // H
  PromptReparam reparam = PromptReparam::kNone;
  int64_t mlp_hidden = 512;   // h (reference: 2·d for mlp)
  double init_std = 0.02;     // N(0, std) for every weight, zero biases (the reference's BERT init)
  // residual: start the LayerNorm's gain at 0, so the table starts as E exactly (for an E set from
  // data, init=activations or transfer); the gain then opens as training needs (as ReZero does).
  bool residual_starts_at_table = false;
};

class PromptEncoderImpl : public torch::nn::Module {
 public:
  explicit PromptEncoderImpl(const PromptEncoderOptions& options);

  // [P, 2·L·d]; with an MLP this is the folded table a tuned-task file stores.
  torch::Tensor table();
  // E: the trained embedding the table is computed from (the table itself for reparam "none").
  torch::Tensor embedding();

  const PromptEncoderOptions& options() const { return options_; }

 private:
  PromptEncoderOptions options_;
  torch::nn::Embedding embedding_{nullptr};
  torch::nn::Sequential trans_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};  // residual only
};
TORCH_MODULE(PromptEncoder);

// Splits a batch of tables [B, P, 2·L·d] into L prefixes [B, H, P, hd] after dropout on the K/V
// (ofa-spec 9.2: view [B,P,2L,H,hd] -> dropout -> permute [2L,B,H,P,hd] -> pairs (K, V)).
std::vector<PrefixKV> split_prompt_table(const torch::Tensor& tables, int64_t layers, int64_t heads, double dropout,
                                         bool training);

}  // namespace ofapt
