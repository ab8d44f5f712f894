// Several datasets seen as one: multi-task pretraining concatenates the tasks' rows, and the
// trainer's per-epoch shuffle interleaves them, so every batch mixes tasks in proportion to their size.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace ofapt {

class MixtureDataset : public Dataset {
 public:
  explicit MixtureDataset(std::vector<std::unique_ptr<Dataset>> parts);

  int64_t size() const override { return total_; }
  Example get(int64_t index) const override;
  std::string name() const override;  // "a.tsv + b.tsv"
  const std::vector<std::unique_ptr<Dataset>>& parts() const { return parts_; }

 private:
  std::vector<std::unique_ptr<Dataset>> parts_;
  std::vector<int64_t> starts_;  // index of each part's first row
  int64_t total_ = 0;
};

}  // namespace ofapt
