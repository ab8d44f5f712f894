#include "tasks/task_evaluator.h"

#include <limits>

#include "metrics/box_iou.h"
#include "metrics/caption_scores.h"
#include "metrics/vqa_accuracy.h"
#include "model/generator.h"
#include "model/model_inputs.h"
#include "tasks/tasks.h"
#include "text/ofa_vocabulary.h"
#include "text/normalize.h"
#include "util/error.h"
#include "util/progress.h"

namespace ofapt {
namespace {

struct Row {
  int64_t index;
  TaskExample item;
};

EncoderInput encoder_input(const std::vector<Row>& rows, const torch::Device& device) {
  std::vector<std::vector<int64_t>> sources;
  std::vector<torch::Tensor> images;
  for (const auto& row : rows) {
    sources.push_back(row.item.example.source);
    images.push_back(row.item.example.image);
  }
  EncoderInput input;
  input.tokens = pad_sequences(sources, 1).to(device);
  input.images = torch::stack(images).to(device);
  return input;
}

// Tokens after bos, without the final eos.
std::vector<int64_t> generated_tokens(const Hypothesis& hypothesis) {
  std::vector<int64_t> tokens(hypothesis.tokens.begin() + 1, hypothesis.tokens.end());
  if (!tokens.empty() && tokens.back() == text::OfaVocabulary::kEos) tokens.pop_back();
  return tokens;
}

// Sum of answer-token + eos log-probs of every candidate for one row, under the trie mask.
std::vector<double> score_candidates(OfaModel& model, const PromptFor& prompt, const Row& row,
                                     const std::vector<std::vector<int64_t>>& candidates, const SequenceTrie& trie,
                                     int64_t chunk, const torch::Device& device) {
  torch::NoGradGuard no_grad;
  const auto encoded = model->encode(encoder_input({row}, device), prompt(1));
  const auto& decoder_prompt = row.item.reference.decoder_prompt;  // bos first
  const int64_t start = static_cast<int64_t>(decoder_prompt.size()) - 1;  // target position of the first answer token
  std::vector<double> scores;
  for (size_t begin = 0; begin < candidates.size(); begin += chunk) {
    const size_t end = std::min(candidates.size(), begin + static_cast<size_t>(chunk));
    const auto count = static_cast<int64_t>(end - begin);
    std::vector<std::vector<int64_t>> prev, target;
    for (size_t c = begin; c < end; ++c) {
      std::vector<int64_t> input = decoder_prompt;
      input.insert(input.end(), candidates[c].begin(), candidates[c].end());
      std::vector<int64_t> output(input.begin() + 1, input.end());
      output.push_back(text::OfaVocabulary::kEos);
      prev.push_back(std::move(input));
      target.push_back(std::move(output));
    }
    auto prev_tokens = pad_sequences(prev, 1).to(device);
    auto rows = torch::zeros({count}, torch::TensorOptions().dtype(torch::kLong).device(device));
    auto logits = model->decode(prev_tokens, encoded.index_select(rows), index_select_rows(prompt(1), rows))
                      .to(torch::kFloat)
                      .cpu();
    // Only the trie's next tokens compete at each answer position (the reference's constraint mask).
    const int64_t vocab = logits.size(2);
    for (int64_t r = 0; r < count; ++r) {
      const auto& answer = candidates[begin + r];
      std::vector<int64_t> so_far{text::OfaVocabulary::kBos};
      double total = 0.0;
      for (size_t k = 0; k <= answer.size(); ++k) {
        const int64_t position = start + static_cast<int64_t>(k);
        const auto allowed = trie.allowed_next(so_far);
        auto row_logits = logits[r][position];
        auto mask = torch::ones({vocab}, torch::kBool);
        mask.index_fill_(0, torch::tensor(allowed, torch::kLong), false);
        auto logp = torch::log_softmax(row_logits.masked_fill(mask, -std::numeric_limits<float>::infinity()), 0);
        const int64_t token = target[r][position];
        total += logp[token].item<double>();
        so_far.push_back(token);
      }
      scores.push_back(total);
    }
  }
  return scores;
}

}  // namespace

TaskEvaluation evaluate_task(OfaModel& model, const PromptFor& prompt, const TaskDataset& data,
                             const TaskEvaluationOptions& options, const torch::Device& device) {
  torch::NoGradGuard no_grad;
  const Task& task = data.task();
  const auto& tokenizer = task.tokenizer();
  const std::string name = task.name();
  const int64_t total = options.max_samples > 0 ? std::min(options.max_samples, data.size()) : data.size();
  TaskEvaluation result;
  Progress progress("eval " + name, total);

  std::vector<std::string> candidates_text, predictions;
  std::vector<std::vector<std::string>> references;
  std::vector<AnswerConfidences> answer_references;
  std::vector<Box> predicted_boxes, gold_boxes;

  const auto* answer_task = dynamic_cast<const AnswerTask*>(&task);
  std::vector<std::vector<int64_t>> candidate_ids;
  if (answer_task != nullptr && options.answer_mode == "all_candidates") {
    OFAPT_CHECK(!task.options().answers.empty(), ErrorKind::kUsage, name,
                ": all-candidate evaluation needs the answer list (--answers FILE), or use --answer-mode beam");
    for (const auto& answer : task.options().answers) candidate_ids.push_back(tokenizer.encode_with_symbols(" " + answer));
  }

  for (int64_t begin = 0; begin < total; begin += options.batch_size) {
    const int64_t end = std::min(total, begin + options.batch_size);
    std::vector<Row> rows;
    for (int64_t i = begin; i < end; ++i) rows.push_back({i, data.get_with_reference(i)});
    const auto batch = static_cast<int64_t>(rows.size());

    if (!candidate_ids.empty()) {
      for (const auto& row : rows) {
        const auto scores = score_candidates(model, prompt, row, candidate_ids, answer_task->trie(),
                                             options.candidate_chunk, device);
        const auto best = std::max_element(scores.begin(), scores.end()) - scores.begin();
        const std::string& answer = task.options().answers[best];
        predictions.push_back(answer);
        answer_references.push_back(row.item.reference.answers);
        result.samples.push_back({{"id", row.item.example.id},
                                  {"prediction", answer},
                                  {"score", vqa_score(answer, row.item.reference.answers)},
                                  {"logprob", scores[best]}});
      }
    } else {
      GenerationOptions generation;
      generation.beam_size = options.beam_size;
      torch::Tensor prefix;
      if (name == "caption") {
        generation.max_length = options.caption_max_length;
        generation.no_repeat_ngram_size = options.no_repeat_ngram_size;
      } else if (name == "refcoco") {
        generation.min_length = 4;
        generation.max_length = 4;
      } else {
        // Answer tasks in beam mode: forced decoder prompt, trie constraint, unnormalised scores.
        generation.normalize_scores = false;
        if (answer_task != nullptr && !answer_task->trie().empty()) generation.trie = &answer_task->trie();
        std::vector<std::vector<int64_t>> prompts;
        for (const auto& row : rows) {
          const auto& p = row.item.reference.decoder_prompt;
          prompts.emplace_back(p.begin() + 1, p.end());
        }
        prefix = pad_sequences(prompts, 1);
        generation.max_length = prefix.size(1) + task.options().max_target_tokens;  // the forced prompt + an answer
      }
      const auto hypotheses = generate(model, encoder_input(rows, device), generation, prompt(batch),
                                       prefix.defined() ? prefix.to(device) : prefix);
      for (int64_t r = 0; r < batch; ++r) {
        const auto& row = rows[r];
        auto tokens = generated_tokens(hypotheses[r][0]);
        if (name == "caption") {
          const std::string caption = text::remove_punctuation(tokenizer.decode(tokens));
          candidates_text.push_back(caption);
          references.push_back(row.item.reference.captions);
          result.samples.push_back({{"id", row.item.example.id}, {"prediction", caption}});
        } else if (name == "refcoco") {
          // bin = token − <bin_0>; coord = bin/(num_bins−1)·max_image_size, then back to original pixels.
          Box box{-1, -1, -1, -1};
          const int64_t first_bin = tokenizer.bin_id(0);
          const auto& reference = row.item.reference;
          bool valid = tokens.size() >= 4;
          double coords[4];
          for (int i = 0; valid && i < 4; ++i) {
            const int64_t bin = tokens[i] - first_bin;
            valid = bin >= 0 && bin < task.options().num_bins;
            const double scale = i % 2 == 0 ? reference.w_resize_ratio : reference.h_resize_ratio;
            coords[i] = static_cast<double>(bin) / static_cast<double>(task.options().num_bins - 1) *
                        static_cast<double>(task.options().max_image_size) / scale;
          }
          if (valid) box = {coords[0], coords[1], coords[2], coords[3]};
          const Box gold{reference.box[0], reference.box[1], reference.box[2], reference.box[3]};
          const bool hit = valid && grounding_hit(box, gold);
          predicted_boxes.push_back(box);
          gold_boxes.push_back(gold);
          result.samples.push_back({{"id", row.item.example.id},
                                    {"prediction", valid ? nlohmann::json{box.x0, box.y0, box.x1, box.y1} : nlohmann::json()},
                                    {"iou", valid ? box_iou(box, gold) : 0.0},
                                    {"hit", hit}});
        } else {
          const auto& decoder_prompt = row.item.reference.decoder_prompt;
          const size_t forced = decoder_prompt.size() - 1;
          std::vector<int64_t> answer_ids(tokens.begin() + std::min(forced, tokens.size()), tokens.end());
          const std::string answer = text::join_words(tokenizer.decode(answer_ids));
          predictions.push_back(answer);
          answer_references.push_back(row.item.reference.answers);
          result.samples.push_back({{"id", row.item.example.id},
                                    {"prediction", answer},
                                    {"score", vqa_score(answer, row.item.reference.answers)}});
        }
      }
    }
    if (!options.quiet) progress.update(end, {});
  }
  if (!options.quiet) progress.finish();

  if (name == "caption") {
    const CaptionScores scores = score_captions(candidates_text, references);
    result.metric = "cider";
    result.value = scores.cider;
    result.summary = scores.to_json();
  } else if (name == "refcoco") {
    result.metric = "acc@0.5";
    result.value = grounding_accuracy(predicted_boxes, gold_boxes);
    result.summary = {{"acc@0.5", result.value}};
  } else {
    result.metric = "accuracy";
    result.value = vqa_accuracy(predictions, answer_references);
    result.summary = {{"accuracy", result.value}, {"answer_mode", candidate_ids.empty() ? "beam" : "all_candidates"}};
  }
  result.summary["samples"] = total;
  return result;
}

}  // namespace ofapt
