// Evaluation of the paper's tasks exactly as the reference scores them (ofa-spec 12): predictions
// from TaskPredictor, then the task's metric over the split —
//   caption   BLEU-1..4, ROUGE-L, CIDEr-D (pycocoevalcap); METEOR and SPICE from their jars when given,
//             else reported as not computed
//   refcoco   Acc@0.5
//   vqa, snli_ve  accuracy = the confidence of the predicted answer
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "tasks/task_dataset.h"
#include "tasks/task_predictor.h"

namespace ofapt {

struct TaskEvaluation {
  std::string metric;                 // cider | acc@0.5 | accuracy
  double value = 0.0;
  nlohmann::json summary;             // every metric of the task
  nlohmann::json samples = nlohmann::json::array();  // per row: id, prediction, score or hit
};

TaskEvaluation evaluate_task(OfaModel& model, const PromptFor& prompt, const TaskDataset& data,
                             const TaskEvaluationOptions& options, const torch::Device& device);

}  // namespace ofapt
