// The frozen ResNet's output per example. With the image backbone frozen (every method but full
// finetuning) and in eval mode, a row's features depend only on its image, not on the tuned tensors,
// so later epochs reuse them instead of running the ResNet again.
#pragma once

#include <torch/torch.h>

#include <unordered_map>

#include "data/example.h"
#include "model/resnet.h"

namespace ofapt {

class ImageFeatureCache {
 public:
  // budget_bytes: rows beyond it are computed every time, not stored (0 = no caching at all).
  explicit ImageFeatureCache(int64_t budget_bytes) : budget_bytes_(budget_bytes) {}

  // [B, C, h, w] for batch.input.images (no autograd graph), from the cache where it can.
  torch::Tensor features(ResNet& resnet, const Batch& batch);

  int64_t hits() const { return hits_; }
  int64_t misses() const { return misses_; }
  int64_t bytes() const { return bytes_; }

 private:
  int64_t budget_bytes_;
  int64_t bytes_ = 0, hits_ = 0, misses_ = 0;
  std::unordered_map<int64_t, torch::Tensor> rows_;  // dataset index -> [C, h, w]
};

}  // namespace ofapt
