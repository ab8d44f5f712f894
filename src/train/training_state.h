// A resumable training checkpoint in one safetensors file, written atomically:
//   trained/<name>    the method's live trainable tensors
//   optimizer         the optimizer's serialized state (torch::save archive bytes, uint8)
//   rng/cpu, rng/cuda generator states (uint8)
//   __metadata__["ofapt_trainer"]  JSON: position (step, epoch, batch in epoch), lr scale, skip counts, best
// One file means a run killed at any moment leaves either the previous checkpoint or the new one.
#pragma once

#include <nlohmann/json.hpp>

#include <torch/torch.h>

#include <string>

#include "checkpoint/tensor_map.h"

namespace ofapt {

struct TrainerPosition {
  int64_t step = 0;            // updates done
  int64_t epoch = 0;           // current epoch (0-based)
  int64_t batch_in_epoch = 0;  // micro-batches of this epoch already consumed
  double lr_scale = 1.0;       // multiplied into the schedule after repeated non-finite steps
  int64_t skipped_steps = 0;   // updates skipped for a non-finite loss or gradient, in total
  int64_t consecutive_skips = 0;
  double best_metric = 0.0;    // best validation value so far (valid only when best_step >= 0)
  int64_t best_step = -1;
  bool stopped_early = false;  // early stopping ended the run: a rerun trains no further

  nlohmann::json to_json() const;
  static TrainerPosition from_json(const nlohmann::json& json);
};

struct TrainingCheckpoint {
  TrainerPosition position;
  nlohmann::json identity;  // what must match to resume: spec, seed, data sizes, batch settings
  TensorMap trained;
  std::string optimizer_bytes;
  torch::Tensor cpu_rng, cuda_rng;
};

void write_training_checkpoint(const std::string& path, const TrainingCheckpoint& checkpoint);
TrainingCheckpoint read_training_checkpoint(const std::string& path);

// The optimizer's state as bytes and back (torch's own serialization of its param groups and states).
std::string save_optimizer(torch::optim::Optimizer& optimizer);
void load_optimizer(torch::optim::Optimizer& optimizer, const std::string& bytes, const std::string& source);

// Default generators' states (CUDA only when available) and back.
void capture_rng(TrainingCheckpoint& checkpoint);
void restore_rng(const TrainingCheckpoint& checkpoint);

}  // namespace ofapt
