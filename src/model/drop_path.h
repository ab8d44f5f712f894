// Stochastic depth: in training, drop a sample's whole residual branch with probability `rate`
// and rescale survivors by 1/(1-rate). The mask is per sample (dim 0) and broadcast over the rest.
#pragma once

#include <torch/torch.h>

namespace ofapt {

inline torch::Tensor drop_path(const torch::Tensor& x, double rate, bool training) {
  if (rate <= 0.0 || !training) return x;
  const double keep = 1.0 - rate;
  std::vector<int64_t> shape(x.dim(), 1);
  shape[0] = x.size(0);
  auto mask = torch::floor(keep + torch::rand(shape, x.options()));
  return x.div(keep) * mask;
}

}  // namespace ofapt
