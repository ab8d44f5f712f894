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

// Scores several targets after one input (image, or undefined, and source), encoding it once; the
// prompt is that one row's (batch 1), shared by every target. Equal to score_targets on copies of the
// input, at the cost of one encoder pass instead of one per target (serve's /v1/score).
std::vector<std::vector<float>> score_targets_after(OfaModel& model, const torch::Tensor& image,
                                                    const std::vector<int64_t>& source_ids,
                                                    const std::vector<std::vector<int64_t>>& target_ids,
                                                    const PromptKV& prompt = {});

}  // namespace ofapt
