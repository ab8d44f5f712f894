#include "model/scoring.h"

#include "model/model_inputs.h"
#include "util/error.h"

namespace ofapt {

std::vector<std::vector<float>> score_targets(OfaModel& model, const std::vector<ScoringExample>& examples,
                                              const PromptKV& prompt) {
  OFAPT_CHECK(!examples.empty(), ErrorKind::kUsage, "nothing to score");
  const OfaConfig& config = model->config();
  std::vector<std::vector<int64_t>> sources, previous, targets;
  std::vector<torch::Tensor> images;
  for (size_t i = 0; i < examples.size(); ++i) {
    const auto& example = examples[i];
    OFAPT_CHECK(example.target_ids.size() >= 2, ErrorKind::kInput, "example ", i,
                ": target needs at least a start token and one token to score");
    OFAPT_CHECK(!example.source_ids.empty(), ErrorKind::kInput, "example ", i, ": empty source");
    for (const auto* ids : {&example.source_ids, &example.target_ids}) {
      for (int64_t id : *ids) {
        OFAPT_CHECK(id >= 0 && id < config.vocab_size, ErrorKind::kInput, "example ", i, ": id ", id,
                    " is outside the vocabulary of ", config.vocab_size);
      }
    }
    OFAPT_CHECK(example.image.defined() == examples[0].image.defined(), ErrorKind::kInput,
                "examples mix samples with and without images");
    if (example.image.defined()) {
      OFAPT_CHECK(example.image.sizes() == examples[0].image.sizes(), ErrorKind::kInput, "example ", i,
                  ": image size ", example.image.sizes(), " differs from ", examples[0].image.sizes());
      images.push_back(example.image);
    }
    sources.push_back(example.source_ids);
    previous.emplace_back(example.target_ids.begin(), example.target_ids.end() - 1);
    targets.emplace_back(example.target_ids.begin() + 1, example.target_ids.end());
  }
  c10::InferenceMode inference;
  const torch::Device device = model->parameters().front().device();
  EncoderInput input;
  input.tokens = pad_sequences(sources, config.pad_token_id).to(device);
  if (!images.empty()) input.images = torch::stack(images).to(device);
  auto logits = model->forward(input, pad_sequences(previous, config.pad_token_id).to(device), prompt);
  auto logprobs = torch::log_softmax(logits.to(torch::kFloat), -1);
  auto target_tensor = pad_sequences(targets, config.pad_token_id).to(device);
  auto picked = logprobs.gather(2, target_tensor.unsqueeze(2)).squeeze(2).to(torch::kCPU).contiguous();
  std::vector<std::vector<float>> scores;
  for (size_t i = 0; i < examples.size(); ++i) {
    const float* row = picked[i].data_ptr<float>();
    scores.emplace_back(row, row + targets[i].size());
  }
  return scores;
}

}  // namespace ofapt
