// One training/evaluation example as the model sees it, and a padded batch of them.
// Task readers (captions, VQA, grounding, entailment) all produce Examples; the trainer only batches.
#pragma once

#include <torch/torch.h>

#include <functional>

#include <string>
#include <vector>

#include "model/encoder.h"

namespace ofapt {

struct Example {
  std::string id;                                   // the row's unique id (results files name it)
  torch::Tensor image;                              // [3, S, S] normalised pixels; undefined = text only
  std::vector<int64_t> source;                      // bos ... eos
  std::vector<int64_t> target;                      // what the decoder predicts: tokens ... eos
  std::vector<int64_t> prev_output;                 // decoder input; empty = [bos] + target minus its last
  int64_t loss_start = 0;                           // target positions before this carry no loss
  float weight = 1.0f;                              // loss weight of the row (VQA answer confidence)
  std::vector<std::vector<int64_t>> allowed_tokens; // per target position, the tokens the constrained
                                                    // label smoothing spreads over (empty = all)
};

struct Batch {
  std::vector<int64_t> indices;   // dataset index of each row
  EncoderInput input;             // tokens [B, L] (pad right), images [B, 3, S, S], image_present [B]
  torch::Tensor prev_output;      // [B, t] int64, pad right
  torch::Tensor target;           // [B, t] int64, pad where no loss
  torch::Tensor weights;          // [B] float
  torch::Tensor allowed_mask;     // [B, t, V] bool or undefined (constrained label smoothing)
  int64_t ntokens = 0;            // target tokens that carry loss

  int64_t size() const { return static_cast<int64_t>(indices.size()); }
  // A copy on `device`; host-to-GPU copies do not wait when the batch is pinned.
  Batch to(const torch::Device& device) const;
  // A copy in page-locked host memory (needs CUDA), so the copy to the GPU runs asynchronously.
  Batch pinned() const;

 private:
  Batch with_each_tensor(const std::function<torch::Tensor(const torch::Tensor&)>& change) const;
};

struct CollateOptions {
  int64_t pad = 1;
  int64_t bos = 0;
  int64_t vocab_size = 0;  // needed only when examples carry allowed_tokens
  int64_t image_size = 0;  // S for rows without an image in a batch that has images (0 = from the batch)
};

// Pads and stacks examples. Throws Error(kInput) naming the example for an empty target or a
// prev_output whose length differs from the target's.
Batch collate(const std::vector<Example>& examples, const std::vector<int64_t>& indices,
              const CollateOptions& options);

}  // namespace ofapt
