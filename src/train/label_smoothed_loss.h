// OFA's adjust_label_smoothed_cross_entropy (ofa-spec 10.1), summed over the target tokens that carry loss:
//   loss = (1 − ε − ε_i)·nll + ε_i·Σ_{allowed}(−log p),   ε_i = ε / (|allowed| − 1)
// |allowed| is V, or per position the constraint mask (trie tasks: logits outside it are −inf first),
// or the specials 0-3 plus [range_begin, range_end). Each row's token losses are scaled by its weight
// (VQA answer confidence).
#pragma once

#include <torch/torch.h>

namespace ofapt {

struct LabelSmoothingOptions {
  double epsilon = 0.1;      // ε
  int64_t pad = 1;           // target id that carries no loss
  int64_t range_begin = -1;  // constraint range [begin, end) when >= 0 (with the specials 0-3)
  int64_t range_end = -1;
};

struct LossSums {
  torch::Tensor loss;  // scalar: Σ token losses (differentiable)
  torch::Tensor nll;   // scalar: Σ −log p(target), detached
  int64_t tokens = 0;  // tokens summed
};

// logits [B, t, V]; target [B, t]; weights [B] or undefined; allowed_mask [B, t, V] bool or undefined.
LossSums label_smoothed_cross_entropy(const torch::Tensor& logits, const torch::Tensor& target,
                                      const torch::Tensor& weights, const torch::Tensor& allowed_mask,
                                      const LabelSmoothingOptions& options);

}  // namespace ofapt
