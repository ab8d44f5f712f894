#include "model/scoring.h"

#include "model/model_inputs.h"
#include "util/error.h"

namespace ofapt {
namespace {

void check_example(const OfaConfig& config, const ScoringExample& example, size_t i) {
  OFAPT_CHECK(example.target_ids.size() >= 2, ErrorKind::kInput, "example ", i,
              ": target needs at least a start token and one token to score");
  OFAPT_CHECK(!example.source_ids.empty(), ErrorKind::kInput, "example ", i, ": empty source");
  for (const auto* ids : {&example.source_ids, &example.target_ids}) {
    for (int64_t id : *ids) {
      OFAPT_CHECK(id >= 0 && id < config.vocab_size, ErrorKind::kInput, "example ", i, ": id ", id,
                  " is outside the vocabulary of ", config.vocab_size);
    }
  }
}

// Decodes every target teacher-forced after its row of `encoded` and picks each target token's
// log-probability.
std::vector<std::vector<float>> target_logprobs(OfaModel& model, const EncoderOutput& encoded,
                                                const PromptKV& prompt,
                                                const std::vector<std::vector<int64_t>>& target_ids,
                                                const torch::Device& device) {
  const int64_t pad = model->config().pad_token_id;
  std::vector<std::vector<int64_t>> previous, targets;
  for (const auto& ids : target_ids) {
    previous.emplace_back(ids.begin(), ids.end() - 1);
    targets.emplace_back(ids.begin() + 1, ids.end());
  }
  auto logits = model->decode(pad_sequences(previous, pad).to(device), encoded, prompt);
  auto logprobs = torch::log_softmax(logits.to(torch::kFloat), -1);
  auto target_tensor = pad_sequences(targets, pad).to(device);
  auto picked = logprobs.gather(2, target_tensor.unsqueeze(2)).squeeze(2).to(torch::kCPU).contiguous();
  std::vector<std::vector<float>> scores;
  for (size_t i = 0; i < targets.size(); ++i) {
    const float* row = picked[static_cast<int64_t>(i)].data_ptr<float>();
    scores.emplace_back(row, row + targets[i].size());
  }
  return scores;
}

}  // namespace

std::vector<std::vector<float>> score_targets(OfaModel& model, const std::vector<ScoringExample>& examples,
                                              const PromptKV& prompt) {
  OFAPT_CHECK(!examples.empty(), ErrorKind::kUsage, "nothing to score");
  const OfaConfig& config = model->config();
  std::vector<std::vector<int64_t>> sources, target_ids;
  std::vector<torch::Tensor> images;
  for (size_t i = 0; i < examples.size(); ++i) {
    const auto& example = examples[i];
    check_example(config, example, i);
    OFAPT_CHECK(example.image.defined() == examples[0].image.defined(), ErrorKind::kInput,
                "examples mix samples with and without images");
    if (example.image.defined()) {
      OFAPT_CHECK(example.image.sizes() == examples[0].image.sizes(), ErrorKind::kInput, "example ", i,
                  ": image size ", example.image.sizes(), " differs from ", examples[0].image.sizes());
      images.push_back(example.image);
    }
    sources.push_back(example.source_ids);
    target_ids.push_back(example.target_ids);
  }
  c10::InferenceMode inference;
  const torch::Device device = model->parameters().front().device();
  EncoderInput input;
  input.tokens = pad_sequences(sources, config.pad_token_id).to(device);
  if (!images.empty()) input.images = torch::stack(images).to(device);
  return target_logprobs(model, model->encode(input, prompt), prompt, target_ids, device);
}

std::vector<std::vector<float>> score_targets_after(OfaModel& model, const torch::Tensor& image,
                                                    const std::vector<int64_t>& source_ids,
                                                    const std::vector<std::vector<int64_t>>& target_ids,
                                                    const PromptKV& prompt) {
  OFAPT_CHECK(!target_ids.empty(), ErrorKind::kUsage, "nothing to score");
  const OfaConfig& config = model->config();
  for (size_t i = 0; i < target_ids.size(); ++i) check_example(config, {image, source_ids, target_ids[i]}, i);
  c10::InferenceMode inference;
  const torch::Device device = model->parameters().front().device();
  EncoderInput input;
  input.tokens = pad_sequences({source_ids}, config.pad_token_id).to(device);
  if (image.defined()) input.images = image.unsqueeze(0).to(device);
  const EncoderOutput encoded = model->encode(input, prompt);
  // Every target reads the one row: its encoder states and its prompt.
  const auto same_row = torch::zeros({static_cast<int64_t>(target_ids.size())},
                                     torch::TensorOptions().dtype(torch::kLong).device(device));
  return target_logprobs(model, encoded.index_select(same_row), index_select_rows(prompt, same_row), target_ids,
                         device);
}

}  // namespace ofapt
