#include "tasks/task_dataset.h"

namespace ofapt {

TaskDataset::TaskDataset(std::shared_ptr<const Task> task, const std::string& path, bool training,
                         std::vector<int> columns)
    : task_(std::move(task)),
      file_(path, columns.empty() ? task_->columns(training) : std::move(columns)),
      training_(training) {}

TaskExample TaskDataset::get_with_reference(int64_t index) const {
  return task_->parse(file_.fields(index), file_.where(index), training_);
}

}  // namespace ofapt
