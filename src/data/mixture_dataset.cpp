#include "data/mixture_dataset.h"

#include <algorithm>

#include "util/error.h"

namespace ofapt {

MixtureDataset::MixtureDataset(std::vector<std::unique_ptr<Dataset>> parts) : parts_(std::move(parts)) {
  OFAPT_CHECK(!parts_.empty(), ErrorKind::kUsage, "a mixture needs at least one dataset");
  for (const auto& part : parts_) {
    starts_.push_back(total_);
    total_ += part->size();
  }
}

Example MixtureDataset::get(int64_t index) const {
  OFAPT_CHECK(index >= 0 && index < total_, ErrorKind::kInternal, "mixture row ", index, " of ", total_);
  const auto part = std::upper_bound(starts_.begin(), starts_.end(), index) - starts_.begin() - 1;
  return parts_[part]->get(index - starts_[part]);
}

std::string MixtureDataset::name() const {
  std::string out;
  for (const auto& part : parts_) out += (out.empty() ? "" : " + ") + part->name();
  return out;
}

}  // namespace ofapt
