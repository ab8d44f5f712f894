// One run of a study: train (resuming a killed run from its checkpoint), read its learning curve,
// score the best-on-val state once on the test rows, attack it, and keep everything the report
// needs in <run>/run.json.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "study/study_spec.h"
#include "tasks/task_dataset.h"

namespace ofapt {

struct StudyTaskData {
  const TaskDataset* train = nullptr;
  const TaskDataset* valid = nullptr;
  const TaskDataset* test = nullptr;  // null = the data has no test file: attacks use val rows
  double zero_shot = 0.0;  // the base model's score on the same val rows: the curve's step 0
  nlohmann::json base_model;  // the spec's model's fingerprint (ModelFingerprint::to_json)
  nlohmann::json data;        // {"train_hash", "val_hash"}: Hash64 of the task's two files
};

// Writes <study_dir>/<run.directory()>/run.json atomically and returns it. A run whose run.json
// exists is not run again (the file is read and returned), unless it was made on another base model
// than data.base_model or on other rows than data.data: then it is refused (Error kSchema), so one
// study never mixes two models or two versions of its data.
nlohmann::json execute_study_run(const StudySpec& spec, const StudyRun& run, const StudyTaskData& data,
                                 const std::string& study_dir);

}  // namespace ofapt
