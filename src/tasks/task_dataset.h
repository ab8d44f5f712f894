// A task's OFA TSV as a Dataset: rows are read and built on demand (on loader threads), so opening a
// file costs one pass over it, not decoding every image.
#pragma once

#include <memory>
#include <string>

#include "data/dataset.h"
#include "data/tsv_file.h"
#include "tasks/task.h"

namespace ofapt {

class TaskDataset : public Dataset {
 public:
  // training: the task's training layout and targets; otherwise its evaluation layout (references kept).
  // `columns` overrides the task's selected columns (OFA's --selected-cols) when not empty.
  TaskDataset(std::shared_ptr<const Task> task, const std::string& path, bool training, std::vector<int> columns = {});

  int64_t size() const override { return file_.rows(); }
  Example get(int64_t index) const override { return get_with_reference(index).example; }
  std::string name() const override { return file_.path(); }

  // The example and what its evaluation needs. Throws Error(kInput) naming file:line.
  TaskExample get_with_reference(int64_t index) const;
  const Task& task() const { return *task_; }

 private:
  std::shared_ptr<const Task> task_;
  TsvFile file_;
  bool training_;
};

}  // namespace ofapt
