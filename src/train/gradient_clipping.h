// Gradient clipping by the global L2 norm that stays on the device: the norm comes back as a
// tensor, so the training step reads it on the host together with the loss, in one synchronisation
// per update (torch's clip_grad_norm_ returns a double, which waits for the device on every call).
// The ops are those of LibTorch's clip_grad_norm_ (1.13 and 2.x), so the results are bit-identical.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace ofapt {

// Scales the gradients of `tensors` (those that have one) by min(1, max_norm / (norm + 1e-6)) and
// returns the norm before scaling (a 0-dim tensor; 0 when no tensor has a gradient). A non-finite
// norm scales by a non-finite factor: the caller skips such a step. max_norm = inf: no clipping.
torch::Tensor clip_gradients(const std::vector<torch::Tensor>& tensors, double max_norm);

}  // namespace ofapt
