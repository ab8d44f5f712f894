#include "tasks/task_evaluator.h"

#include "data/dataset.h"
#include "metrics/caption_scores.h"
#include "metrics/vqa_accuracy.h"
#include "util/progress.h"

namespace ofapt {

TaskEvaluation evaluate_task(OfaModel& model, const PromptFor& prompt, const TaskDataset& data,
                             const TaskEvaluationOptions& options, const torch::Device& device) {
  const Task& task = data.task();
  const std::string name = task.name();
  const int64_t total = options.max_samples > 0 ? std::min(options.max_samples, data.size()) : data.size();
  TaskPredictor predictor(model, prompt, task, options, device);
  TaskEvaluation result;
  Progress progress("eval " + name, total);

  // What the split's metric needs, in row order.
  std::vector<std::string> texts;
  std::vector<std::vector<std::string>> captions;
  std::vector<AnswerConfidences> answers;
  std::vector<Box> boxes, gold_boxes;
  int64_t done = 0;
  for (const auto& indices : consecutive_batches(total, options.batch_size)) {
    std::vector<TaskExample> rows;
    for (const int64_t index : indices) rows.push_back(data.get_with_reference(index));
    if (options.perturb) predictor.set_input_edit(options.perturb(rows));
    const auto predictions = predictor.predict(rows);
    for (size_t r = 0; r < rows.size(); ++r) {
      const Reference& reference = rows[r].reference;
      texts.push_back(predictions[r].text);
      captions.push_back(reference.captions);
      answers.push_back(reference.answers);
      boxes.push_back(predictions[r].box);
      if (name == "refcoco") gold_boxes.push_back({reference.box[0], reference.box[1], reference.box[2], reference.box[3]});
      result.samples.push_back(predictions[r].sample);
    }
    done += static_cast<int64_t>(rows.size());
    if (!options.quiet) progress.update(done, {});
  }
  if (!options.quiet) progress.finish();

  if (name == "caption") {
    const CaptionScores scores = score_captions(texts, captions, options.java_metrics);
    result.metric = "cider";
    result.value = scores.cider;
    result.summary = scores.to_json();
  } else if (name == "refcoco") {
    result.metric = "acc@0.5";
    result.value = grounding_accuracy(boxes, gold_boxes);
    result.summary = {{"acc@0.5", result.value}};
  } else {
    result.metric = "accuracy";
    result.value = vqa_accuracy(texts, answers);
    result.summary = {{"accuracy", result.value},
                      {"answer_mode", predictor.scores_all_candidates() ? "all_candidates" : "beam"}};
  }
  result.summary["samples"] = total;
  return result;
}

}  // namespace ofapt
