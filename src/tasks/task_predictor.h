// A task's prediction for a batch of rows, made as the reference's evaluation makes it (ofa-spec 12):
//   caption   beam 5, at most 16 tokens, no repeated 3-grams; punctuation stripped
//   refcoco   beam 5, exactly 4 tokens; bins -> original pixels
//   vqa, snli_ve  all-candidate scoring (sum of answer-token + eos log-probs under the trie mask,
//             argmax over the candidates) or trie-constrained beam search
// `ofapt eval` scores these predictions (task_evaluator.h); `ofapt predict` prints them.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "metrics/box_iou.h"
#include "metrics/java_caption_metrics.h"
#include "model/ofa_model.h"
#include "tasks/task.h"
#include "tuning/tuning_method.h"

namespace ofapt {

// Changes the collated encoder input of the given rows (indices into the rows given to predict()).
using InputEdit = std::function<void(EncoderInput& input, const std::vector<int64_t>& rows)>;

struct TaskEvaluationOptions {
  int64_t batch_size = 8;             // rows generated together (beam modes)
  int64_t beam_size = 5;
  int64_t caption_max_length = 16;    // max_len_b of the caption scripts
  int64_t no_repeat_ngram_size = 3;   // caption (and the grounding eval scripts)
  std::string answer_mode = "all_candidates";  // vqa/snli_ve: all_candidates | beam
  bool constrain_boxes = false;       // refcoco: only location tokens may be generated (fairseq's
                                      // constraint_range; the reference eval scripts leave it off)
  int64_t candidate_chunk = 32;       // candidates scored per decoder batch
  int64_t max_samples = 0;            // 0 = every row
  bool quiet = true;                  // no progress line
  JavaMetricOptions java_metrics;     // caption: the METEOR / SPICE jars (none = not computed)
  // Robustness evaluation (attack/): given a batch of rows, the edit that perturbs their encoder
  // input before prediction. Empty: clean inputs.
  std::function<InputEdit(const std::vector<TaskExample>& rows)> perturb;
};

// The prompt each batch runs with. `rows` holds, for each row of the batch, the index of its example
// among those given to TaskPredictor::predict(): one tuned task ignores the indices (prompt_of), a
// server batch that mixes tenants' prompts gathers each row's own (serve/).
using PromptFor = std::function<PromptKV(const std::vector<int64_t>& rows)>;

// `method`'s prompt on every row; nullptr: no prompt (the bare model).
PromptFor prompt_of(TuningMethod* method);


struct TaskPrediction {
  std::string text;                   // caption or answer (empty for grounding)
  Box box{-1, -1, -1, -1};            // grounding, original pixels
  bool valid_box = false;             // the 4 generated tokens were all location tokens
  nlohmann::json sample;              // id, prediction and the row's own score (iou/hit, vqa score, logprob)
};

class TaskPredictor {
 public:
  // Throws Error(kUsage) when all-candidate scoring is asked for without an answer list.
  TaskPredictor(OfaModel& model, PromptFor prompt, const Task& task, TaskEvaluationOptions options,
                torch::Device device);

  // One prediction per row, in order. The rows' references only fill the per-row score fields.
  std::vector<TaskPrediction> predict(const std::vector<TaskExample>& rows);
  // Applied to every encoder input of the following predict() calls (adversarial examples).
  void set_input_edit(InputEdit edit) { input_edit_ = std::move(edit); }
  bool scores_all_candidates() const { return !candidate_ids_.empty(); }

 private:
  std::vector<double> score_candidates(const TaskExample& row, int64_t index);
  std::vector<TaskPrediction> predict_by_candidates(const std::vector<TaskExample>& rows);
  std::vector<TaskPrediction> predict_by_beam(const std::vector<TaskExample>& rows);
  TaskPrediction grounding_prediction(const TaskExample& row, const std::vector<int64_t>& tokens) const;

  OfaModel& model_;
  PromptFor prompt_;
  const Task& task_;
  TaskEvaluationOptions options_;
  torch::Device device_;
  std::vector<std::vector<int64_t>> candidate_ids_;  // BPE ids of each answer (all-candidate mode)
  InputEdit input_edit_;
};

}  // namespace ofapt
