// Shared pieces of the tuning tests: a small model, a batch, a loss that touches every output.
#pragma once

#include <torch/torch.h>

#include "model/model_test_util.h"
#include "tuning/tuning_method.h"

namespace ofapt::testing {

struct SmallBatch {
  EncoderInput input;
  torch::Tensor prev_tokens;  // [B, t]
  torch::Tensor target;       // [B, t]
};

inline SmallBatch make_small_batch(uint64_t seed = 3) {
  SmallBatch batch;
  batch.input = make_input({{0, 11, 12, 13, 2}, {0, 21, 22, 2, 1}}, 32, seed);
  batch.prev_tokens = torch::tensor({0, 40, 41, 42, 0, 50, 51, 1}, torch::kLong).view({2, 4});
  batch.target = torch::tensor({40, 41, 42, 2, 50, 51, 2, 1}, torch::kLong).view({2, 4});
  return batch;
}

// Mean token cross entropy (pad = 1 ignored), through the method's prompt.
inline torch::Tensor small_loss(TuningMethod& method, const SmallBatch& batch) {
  auto logits = method.model()->forward(batch.input, batch.prev_tokens, method.prompt(batch.prev_tokens.size(0)));
  return torch::nn::functional::cross_entropy(
      logits.reshape({-1, logits.size(-1)}).to(torch::kDouble), batch.target.reshape({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(1));
}

}  // namespace ofapt::testing
