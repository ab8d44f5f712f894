// Attachment points where a tuning method joins a frozen layer without touching its weights or its
// state dict (DESIGN "How data flows"): a delta added to a Linear's output (LoRA) and a module on the
// FFN branch (Houlsby adapter). The layer holds them but does not register them: their parameters
// belong to the method, so the model's named_parameters() stay the checkpoint schema.
#pragma once

#include <torch/torch.h>

#include <memory>

namespace ofapt {

// y = linear(x) + delta(x)
class LinearDelta {
 public:
  virtual ~LinearDelta() = default;
  virtual torch::Tensor delta(const torch::Tensor& input) = 0;
};

// branch <- adapter(branch), applied to the FFN output after fc2 and dropout, before the residual add.
class BranchAdapter {
 public:
  virtual ~BranchAdapter() = default;
  virtual torch::Tensor adapt(const torch::Tensor& branch) = 0;
};

// Adds nothing and keeps the Linear's last input: a way to read a layer's activations (prompt
// init=activations, tests).
class LinearInputRecorder : public LinearDelta {
 public:
  torch::Tensor delta(const torch::Tensor& input) override {
    seen = input.detach();
    return torch::zeros({}, input.options());
  }
  torch::Tensor seen;
};

// A Linear with its optional delta, called like the Linear itself.
inline torch::Tensor apply_linear(torch::nn::Linear& linear, const std::shared_ptr<LinearDelta>& delta,
                                  const torch::Tensor& input) {
  auto out = linear(input);
  return delta ? out + delta->delta(input) : out;
}

}  // namespace ofapt
