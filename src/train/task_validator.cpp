#include "train/task_validator.h"

#include "util/error.h"

namespace ofapt {

ValidationResult TaskValidator::validate(TuningMethod& method, const Dataset& data, const torch::Device& device) {
  const auto* task_data = dynamic_cast<const TaskDataset*>(&data);
  OFAPT_CHECK(task_data != nullptr, ErrorKind::kInternal, "task validation needs a task dataset, got ", data.name());
  const TaskEvaluation evaluation =
      evaluate_task(method.model(), prompt_of(&method), *task_data, options_, device);
  ValidationResult result;
  result.metric = evaluation.metric;
  result.value = evaluation.value;
  result.higher_is_better = true;
  result.details = evaluation.summary;
  return result;
}

}  // namespace ofapt
