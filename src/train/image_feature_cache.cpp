#include "train/image_feature_cache.h"

namespace ofapt {

torch::Tensor ImageFeatureCache::features(ResNet& resnet, const Batch& batch) {
  torch::NoGradGuard no_grad;
  const int64_t rows = batch.size();
  std::vector<int64_t> missing;
  for (int64_t r = 0; r < rows; ++r) {
    if (rows_.count(batch.indices[r]) == 0) missing.push_back(r);
  }
  hits_ += rows - static_cast<int64_t>(missing.size());
  misses_ += static_cast<int64_t>(missing.size());
  if (missing.size() == static_cast<size_t>(rows) && budget_bytes_ <= bytes_) {
    return resnet(batch.input.images);  // nothing cached and no room: plain forward
  }
  // Each missing row goes through the ResNet alone: a convolution's last bits depend on the batch it
  // runs in, and a cached row must not depend on its first batch-mates (a resumed run meets other ones).
  std::vector<torch::Tensor> out(rows);
  for (const int64_t r : missing) {
    out[r] = resnet(batch.input.images.narrow(0, r, 1))[0];
    const int64_t size = out[r].numel() * out[r].element_size();
    if (bytes_ + size <= budget_bytes_) {
      rows_[batch.indices[r]] = out[r];
      bytes_ += size;
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    if (!out[r].defined()) out[r] = rows_.at(batch.indices[r]);
  }
  return torch::stack(out);
}

}  // namespace ofapt
