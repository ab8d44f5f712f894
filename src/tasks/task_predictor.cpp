#include "tasks/task_predictor.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "metrics/vqa_accuracy.h"
#include "model/generator.h"
#include "model/model_inputs.h"
#include "tasks/tasks.h"
#include "text/normalize.h"
#include "text/ofa_vocabulary.h"
#include "util/error.h"

namespace ofapt {
namespace {

// Tokens after bos, without the final eos.
std::vector<int64_t> generated_tokens(const Hypothesis& hypothesis) {
  std::vector<int64_t> tokens(hypothesis.tokens.begin() + 1, hypothesis.tokens.end());
  if (!tokens.empty() && tokens.back() == text::OfaVocabulary::kEos) tokens.pop_back();
  return tokens;
}

}  // namespace

PromptFor prompt_of(TuningMethod* method) {
  return [method](const std::vector<int64_t>& rows) {
    return method != nullptr ? method->prompt(static_cast<int64_t>(rows.size())) : PromptKV{};
  };
}

TaskPredictor::TaskPredictor(OfaModel& model, PromptFor prompt, const Task& task, TaskEvaluationOptions options,
                             torch::Device device)
    : model_(model), prompt_(std::move(prompt)), task_(task), options_(std::move(options)), device_(device) {
  const bool answer_task = dynamic_cast<const AnswerTask*>(&task) != nullptr;
  if (answer_task && options_.answer_mode == "all_candidates") {
    OFAPT_CHECK(!task.options().answers.empty(), ErrorKind::kUsage, task.name(),
                ": all-candidate evaluation needs the answer list (--answers FILE), or use --answer-mode beam");
    for (const auto& answer : task.options().answers) {
      candidate_ids_.push_back(task.tokenizer().encode_with_symbols(" " + answer));
    }
  }
}

std::vector<TaskPrediction> TaskPredictor::predict(const std::vector<TaskExample>& rows) {
  torch::NoGradGuard no_grad;
  return scores_all_candidates() ? predict_by_candidates(rows) : predict_by_beam(rows);
}

// Sum of answer-token + eos log-probs of every candidate for one row, under the trie mask.
std::vector<double> TaskPredictor::score_candidates(const TaskExample& row, int64_t index) {
  const auto& config = model_->config();
  Batch one = collate({row.example}, {0}, {config.pad_token_id, config.bos_token_id, 0, 0}).to(device_);
  if (input_edit_) input_edit_(one.input, {index});
  const PromptKV prompt = prompt_({index});  // the row's prompt, shared by the encoder and every candidate chunk
  const auto encoded = model_->encode(one.input, prompt);
  const auto& trie = dynamic_cast<const AnswerTask&>(task_).trie();
  const auto& decoder_prompt = row.reference.decoder_prompt;              // bos first
  const int64_t start = static_cast<int64_t>(decoder_prompt.size()) - 1;  // target position of the first answer token
  std::vector<double> scores;
  for (size_t begin = 0; begin < candidate_ids_.size(); begin += options_.candidate_chunk) {
    const size_t end = std::min(candidate_ids_.size(), begin + static_cast<size_t>(options_.candidate_chunk));
    const auto count = static_cast<int64_t>(end - begin);
    std::vector<std::vector<int64_t>> prev, target;
    for (size_t c = begin; c < end; ++c) {
      std::vector<int64_t> input = decoder_prompt;
      input.insert(input.end(), candidate_ids_[c].begin(), candidate_ids_[c].end());
      std::vector<int64_t> output(input.begin() + 1, input.end());
      output.push_back(text::OfaVocabulary::kEos);
      prev.push_back(std::move(input));
      target.push_back(std::move(output));
    }
    auto prev_tokens = pad_sequences(prev, config.pad_token_id).to(device_);
    auto same_row = torch::zeros({count}, torch::TensorOptions().dtype(torch::kLong).device(device_));
    // Only the trie's next tokens compete at each answer position (the reference's constraint mask),
    // so only their logits are needed: the decoder's final states are projected onto those few rows
    // of the output embedding, not the whole vocabulary (a log_softmax over the masked full row and
    // one over the allowed logits alone are the same numbers).
    const auto features = model_->decoder()
                              ->features(prev_tokens, encoded.index_select(same_row),
                                         index_select_rows(prompt, same_row).decoder)
                              .to(torch::kFloat)
                              .cpu();  // [count, T, d]: small, read once
    // The allowed next tokens at every answer position, and the output-embedding rows of all of them,
    // fetched from the device in one read.
    std::vector<std::vector<std::vector<int64_t>>> allowed(count);
    std::vector<int64_t> needed;
    for (int64_t r = 0; r < count; ++r) {
      std::vector<int64_t> so_far{text::OfaVocabulary::kBos};
      for (size_t k = 0; k <= candidate_ids_[begin + r].size(); ++k) {
        allowed[r].push_back(trie.allowed_next(so_far));
        needed.insert(needed.end(), allowed[r].back().begin(), allowed[r].back().end());
        so_far.push_back(target[r][start + static_cast<int64_t>(k)]);
      }
    }
    std::sort(needed.begin(), needed.end());
    needed.erase(std::unique(needed.begin(), needed.end()), needed.end());
    const auto& embedding = model_->embed_tokens()->weight;  // the tied output projection
    const auto needed_rows =
        embedding.index_select(0, torch::tensor(needed, torch::kLong).to(embedding.device())).to(torch::kFloat).cpu();
    for (int64_t r = 0; r < count; ++r) {
      double total = 0.0;
      for (size_t k = 0; k < allowed[r].size(); ++k) {
        const int64_t position = start + static_cast<int64_t>(k);
        const int64_t token = target[r][position];
        std::vector<int64_t> rows;
        int64_t token_at = -1;
        for (const int64_t id : allowed[r][k]) {
          if (id == token) token_at = static_cast<int64_t>(rows.size());
          rows.push_back(std::lower_bound(needed.begin(), needed.end(), id) - needed.begin());
        }
        OFAPT_CHECK(token_at >= 0, ErrorKind::kInternal, "candidate answer token ", token, " is not in the trie");
        const auto logits = torch::matmul(needed_rows.index_select(0, torch::tensor(rows, torch::kLong)),
                                          features[r][position]);
        total += torch::log_softmax(logits, 0)[token_at].item<double>();
      }
      scores.push_back(total);
    }
  }
  return scores;
}

std::vector<TaskPrediction> TaskPredictor::predict_by_candidates(const std::vector<TaskExample>& rows) {
  std::vector<TaskPrediction> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    const TaskExample& row = rows[r];
    const auto scores = score_candidates(row, static_cast<int64_t>(r));
    const auto best = std::max_element(scores.begin(), scores.end()) - scores.begin();
    TaskPrediction prediction;
    prediction.text = task_.options().answers[best];
    prediction.sample = {{"id", row.example.id},
                         {"prediction", prediction.text},
                         {"score", vqa_score(prediction.text, row.reference.answers)},
                         {"logprob", scores[best]}};
    out.push_back(std::move(prediction));
  }
  return out;
}

// bin = token − <bin_0>; coord = bin/(num_bins−1)·max_image_size, then back to original pixels.
TaskPrediction TaskPredictor::grounding_prediction(const TaskExample& row, const std::vector<int64_t>& tokens) const {
  const auto& options = task_.options();
  const auto& reference = row.reference;
  const int64_t first_bin = task_.tokenizer().bin_id(0);
  TaskPrediction prediction;
  bool valid = tokens.size() >= 4;
  double coords[4];
  for (int i = 0; valid && i < 4; ++i) {
    const int64_t bin = tokens[i] - first_bin;
    valid = bin >= 0 && bin < options.num_bins;
    const double scale = i % 2 == 0 ? reference.w_resize_ratio : reference.h_resize_ratio;
    coords[i] = static_cast<double>(bin) / static_cast<double>(options.num_bins - 1) *
                static_cast<double>(options.max_image_size) / scale;
  }
  if (valid) prediction.box = {coords[0], coords[1], coords[2], coords[3]};
  prediction.valid_box = valid;
  const Box gold{reference.box[0], reference.box[1], reference.box[2], reference.box[3]};
  const Box& box = prediction.box;
  prediction.sample = {{"id", row.example.id},
                       {"prediction", valid ? nlohmann::json{box.x0, box.y0, box.x1, box.y1} : nlohmann::json()},
                       {"iou", valid ? overlap_iou(box, gold) : 0.0},
                       {"hit", valid && grounding_hit(box, gold)}};
  return prediction;
}

std::vector<TaskPrediction> TaskPredictor::predict_by_beam(const std::vector<TaskExample>& rows) {
  const std::string name = task_.name();
  const auto& config = model_->config();
  std::vector<Example> examples;
  for (const auto& row : rows) examples.push_back(row.example);
  std::vector<int64_t> indices(rows.size());
  std::iota(indices.begin(), indices.end(), 0);
  Batch batch = collate(examples, indices, {config.pad_token_id, config.bos_token_id, 0, 0}).to(device_);
  if (input_edit_) input_edit_(batch.input, indices);

  GenerationOptions generation;
  generation.beam_size = options_.beam_size;
  torch::Tensor forced_prefix;
  if (name == "caption") {
    generation.max_length = options_.caption_max_length;
    generation.no_repeat_ngram_size = options_.no_repeat_ngram_size;
  } else if (name == "refcoco") {
    generation.min_length = 4;
    generation.max_length = 4;
    if (options_.constrain_boxes) {
      generation.constraint_begin = task_.tokenizer().bin_id(0);
      generation.constraint_end = task_.tokenizer().bin_id(static_cast<int>(task_.options().num_bins) - 1) + 1;
    }
  } else {
    // Answer tasks in beam mode: forced decoder prompt, trie constraint, unnormalised scores.
    generation.normalize_scores = false;
    const auto& trie = dynamic_cast<const AnswerTask&>(task_).trie();
    if (!trie.empty()) generation.trie = &trie;
    std::vector<std::vector<int64_t>> prompts;
    for (const auto& row : rows) prompts.emplace_back(row.reference.decoder_prompt.begin() + 1,
                                                      row.reference.decoder_prompt.end());
    forced_prefix = pad_sequences(prompts, config.pad_token_id);
    generation.max_length = forced_prefix.size(1) + task_.options().max_target_tokens;  // the prompt + an answer
    forced_prefix = forced_prefix.to(device_);
  }
  const auto hypotheses = generate(model_, batch.input, generation, prompt_(indices), forced_prefix);

  std::vector<TaskPrediction> out;
  for (size_t r = 0; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const auto tokens = generated_tokens(hypotheses[r][0]);
    if (name == "refcoco") {
      out.push_back(grounding_prediction(row, tokens));
      continue;
    }
    TaskPrediction prediction;
    if (name == "caption") {
      prediction.text = text::remove_punctuation(task_.tokenizer().decode(tokens));
      const auto& logprobs = hypotheses[r][0].token_logprobs;
      prediction.sample = {{"id", row.example.id},
                           {"prediction", prediction.text},
                           {"logprob", std::accumulate(logprobs.begin(), logprobs.end(), 0.0)}};
    } else {
      const size_t forced = row.reference.decoder_prompt.size() - 1;
      const std::vector<int64_t> answer_ids(tokens.begin() + std::min(forced, tokens.size()), tokens.end());
      prediction.text = text::join_words(task_.tokenizer().decode(answer_ids));
      prediction.sample = {{"id", row.example.id},
                           {"prediction", prediction.text},
                           {"score", vqa_score(prediction.text, row.reference.answers)}};
    }
    out.push_back(std::move(prediction));
  }
  return out;
}

}  // namespace ofapt
