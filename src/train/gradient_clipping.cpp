#include "train/gradient_clipping.h"

namespace ofapt {

torch::Tensor clip_gradients(const std::vector<torch::Tensor>& tensors, double max_norm) {
  std::vector<torch::Tensor> gradients;
  for (const auto& tensor : tensors) {
    if (tensor.grad().defined()) gradients.push_back(tensor.grad());
  }
  if (gradients.empty()) return torch::zeros({}, torch::kFloat32);
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> norms;
  norms.reserve(gradients.size());
  for (const auto& gradient : gradients) norms.push_back(gradient.norm(2));
  const torch::Tensor total = norms.size() == 1 ? norms[0] : torch::stack(norms).norm(2);
  const torch::Tensor scale = torch::clamp(max_norm / (total + 1e-6), c10::nullopt, 1.0);
  for (auto& gradient : gradients) gradient.mul_(scale);
  return total;
}

}  // namespace ofapt
