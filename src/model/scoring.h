// Teacher-forced scoring: log p(tgt[i+1] | image, src, tgt[0..i]) for every target position.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/ofa_model.h"

namespace ofapt {

struct ScoringExample {
  torch::Tensor image;                 // [3, S, S], or undefined for text only
  std::vector<int64_t> source_ids;     // bos ... eos
  std::vector<int64_t> target_ids;     // bos ... eos (the first id is the decoder's start token)
};

// Scores all examples as one right-padded batch (all images must share one size, or all be absent).
// Returns, per example, target_ids.size()-1 log-probabilities.
std::vector<std::vector<float>> score_targets(OfaModel& model, const std::vector<ScoringExample>& examples,
                                              const PromptKV& prompt = {});

}  // namespace ofapt
