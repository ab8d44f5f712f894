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
  torch::Tensor computed;
  if (!missing.empty()) {
    auto index = torch::tensor(missing, torch::kLong).to(batch.input.images.device());
    computed = resnet(batch.input.images.index_select(0, index));
  }
  std::vector<torch::Tensor> out(rows);
  for (size_t m = 0; m < missing.size(); ++m) {
    out[missing[m]] = computed[static_cast<int64_t>(m)];
    const int64_t size = computed[0].numel() * computed.element_size();
    if (bytes_ + size <= budget_bytes_) {
      rows_[batch.indices[missing[m]]] = computed[static_cast<int64_t>(m)].clone();
      bytes_ += size;
    }
  }
  for (int64_t r = 0; r < rows; ++r) {
    if (!out[r].defined()) out[r] = rows_.at(batch.indices[r]);
  }
  return torch::stack(out);
}

}  // namespace ofapt
