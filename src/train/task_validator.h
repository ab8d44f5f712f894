// Validation during training with the task's own metric (CIDEr-D, Acc@0.5, VQA accuracy).
#pragma once

#include "tasks/task_evaluator.h"
#include "train/validator.h"

namespace ofapt {

class TaskValidator : public Validator {
 public:
  explicit TaskValidator(TaskEvaluationOptions options) : options_(std::move(options)) {}
  // `data` must be a TaskDataset (Error kInternal otherwise).
  ValidationResult validate(TuningMethod& method, const Dataset& data, const torch::Device& device) override;

 private:
  TaskEvaluationOptions options_;
};

}  // namespace ofapt
