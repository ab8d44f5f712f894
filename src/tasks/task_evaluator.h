// Evaluation of the paper's tasks exactly as the reference scores them (ofa-spec 12):
//   caption   beam 5, at most 16 tokens, no repeated 3-grams; punctuation stripped; BLEU-1..4,
//             ROUGE-L, CIDEr-D (pycocoevalcap); METEOR and SPICE reported as not computed
//   refcoco   beam 5, exactly 4 tokens; bins -> original pixels; Acc@0.5
//   vqa, snli_ve  all-candidate scoring (sum of answer-token + eos log-probs under the trie mask,
//             argmax over the candidates) or trie-constrained beam search; accuracy = the confidence
//             of the predicted answer
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "model/ofa_model.h"
#include "tasks/task_dataset.h"

namespace ofapt {

struct TaskEvaluationOptions {
  int64_t batch_size = 8;             // rows generated together (beam modes)
  int64_t beam_size = 5;
  int64_t caption_max_length = 16;    // max_len_b of the caption scripts
  int64_t no_repeat_ngram_size = 3;   // caption (and the grounding eval scripts)
  std::string answer_mode = "all_candidates";  // vqa/snli_ve: all_candidates | beam
  int64_t candidate_chunk = 32;       // candidates scored per decoder batch
  int64_t max_samples = 0;            // 0 = every row
  bool quiet = true;                  // no progress line
};

struct TaskEvaluation {
  std::string metric;                 // cider | acc@0.5 | accuracy
  double value = 0.0;
  nlohmann::json summary;             // every metric of the task
  nlohmann::json samples = nlohmann::json::array();  // per row: id, prediction, score or hit
};

// The prompt (or nothing) each batch of `rows` rows runs with.
using PromptFor = std::function<PromptKV(int64_t rows)>;

TaskEvaluation evaluate_task(OfaModel& model, const PromptFor& prompt, const TaskDataset& data,
                             const TaskEvaluationOptions& options, const torch::Device& device);

}  // namespace ofapt
