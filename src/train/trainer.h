// The training loop behind `ofapt tune` (ofa-spec 10.1): AdamW with decoupled weight decay, linear
// warmup then linear decay, gradient clipping and accumulation, label-smoothed cross entropy,
// non-finite steps skipped (and the rate lowered after repeated skips), progress + JSONL log,
// validation with the best kept, and atomic resumable checkpoints.
//
// The output directory holds:
//   train_log.jsonl                 one record per logged step, validation, checkpoint, skip and run start/end
//   checkpoint_last.safetensors     the resumable state (train/training_state.h); a rerun continues from it
//   best/, final/                   tuned-task directories (tuning/tuned_task_file.h)
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>

#include "data/dataset.h"
#include "dist/data_parallel_group.h"
#include "train/validator.h"
#include "tuning/tuning_method.h"

namespace ofapt {

struct TrainerOptions {
  std::string output_dir;              // required
  int64_t max_steps = 0;               // updates; 0 = max_epochs over the data
  int64_t max_epochs = 1;
  int64_t batch_size = 8;              // rows per micro-batch
  int64_t update_freq = 1;             // micro-batches accumulated per update
  double learning_rate = 0.0;          // peak; 0 = the method's default (make_method.h)
  double end_learning_rate = 0.0;
  // > 0: instead of the schedule, the rate grows exponentially from learning_rate to this over the
  // run's updates (the learning-rate range test, train/lr_range_test.h).
  double lr_range_end = 0.0;
  double warmup_ratio = 0.06;          // of the total updates (ignored when warmup_steps >= 0)
  int64_t warmup_steps = -1;
  double weight_decay = 0.01;          // decoupled (AdamW), on every trained tensor as the reference
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_eps = 1e-8;
  double clip_norm = 1.0;              // 0 = no clipping
  double label_smoothing = 0.1;
  uint64_t seed = 1;                   // data order, initialisation and dropout
  int64_t log_every = 10;              // updates between log records / progress lines
  int64_t valid_every = 0;             // updates between validations (0 = at the end only)
  // Early stopping: training ends once this many validations in a row brought no new best (0 =
  // never). The schedule keeps its full length (the rate is where it would be at that step);
  // best/ holds the best state, final/ the last.
  int64_t early_stop_patience = 0;
  int64_t save_every = 100;            // updates between checkpoints (and at the end)
  int64_t skips_before_lr_drop = 3;    // consecutive non-finite updates that halve the rate
  bool skip_bad_rows = false;          // a malformed row: false = stop with its file:line; true = drop and count
  int64_t loader_threads = 2;          // threads decoding the rows of one batch
  int64_t prefetch_batches = 4;        // micro-batches prepared ahead of the model
  bool feature_cache = true;           // reuse frozen ResNet features across epochs
  int64_t feature_cache_mb = 2048;
  std::string device = "cpu";          // "cpu" or "cuda[:i]"
  bool bf16 = true;                    // bf16 autocast on CUDA (CPU always trains in fp32)
  bool quiet = false;                  // no progress lines
  // Data-parallel training (dist/data_parallel_group.h): this process's place among the run's
  // processes; null = one process. Each update's update_freq x world_size micro-batches are dealt
  // to the processes in turn, so N processes follow the loss curve of one process with update_freq
  // x N. Rank 0 alone reads and writes the output directory (log, checkpoints, validation, best/).
  std::shared_ptr<DataParallelGroup> data_parallel;
  // Called after each micro-batch's backward with the trained tensors (tests inject non-finite
  // gradients with it). Empty: none.
  std::function<void(int64_t step, std::vector<torch::Tensor>& trained)> after_backward;
};

struct TrainSummary {
  int64_t steps = 0;              // updates done (including the resumed part)
  int64_t resumed_from = 0;       // step of the checkpoint the run resumed from (0 = fresh)
  int64_t skipped_steps = 0;
  double first_loss = 0.0;        // mean token loss of the first logged window of this run
  double last_loss = 0.0;         // of the last logged window
  double best_metric = 0.0;
  int64_t best_step = -1;
  bool stopped_early = false;
  double seconds = 0.0;
  int64_t feature_cache_hits = 0, feature_cache_misses = 0;
};

// Trains `method` (already attached to its model) on `train`, validating on `valid` when given.
// Throws Error(kUsage) when the output directory holds a checkpoint of a different setup.
TrainSummary train_method(TuningMethod& method, const Dataset& train, const Dataset* valid, Validator* validator,
                          const TrainerOptions& options, const nlohmann::json& run_info = {});

}  // namespace ofapt
