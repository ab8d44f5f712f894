// A short learning-rate range test (Smith, "Cyclical Learning Rates", 2015; fastai's lr_find): a
// few updates with the rate growing exponentially from `min_lr` to `max_lr`, the smoothed loss of
// each, and the pick: a tenth of the rate where the smoothed loss was lowest, past the probe's first
// tenth (before it diverges, the descent is steepest about a decade below that point), so at most
// max_lr / 10 when nothing diverges. The method's tensors are put back
// afterwards, so the real run starts from the same initialisation. Aimed at OFA-PT's stated
// hyperparameter sensitivity: the paper's prompt rate 3e-2 is one point of a sweep per task.
#pragma once

#include <nlohmann/json.hpp>

#include "data/dataset.h"
#include "train/trainer.h"
#include "tuning/tuning_method.h"

namespace ofapt {

struct LrRangeOptions {
  double min_lr = 1e-5;
  double max_lr = 1.0;
  int64_t steps = 60;           // updates of the probe
  double smoothing = 0.9;       // exponential moving average of the loss (bias-corrected)
  double divergence = 4.0;      // the curve ends where the smoothed loss passes this x its minimum
  double skip_start = 0.1;      // the first part of the curve, left out of the pick: with a handful of
                                // batches averaged, batch-to-batch noise outweighs the rate (fastai
                                // skips its first 10 points likewise)
};

struct LrRangeResult {
  double learning_rate = 0.0;   // the pick
  double lowest_loss_lr = 0.0;  // where the smoothed loss was lowest
  nlohmann::json curve;         // [[lr, loss, smoothed], ...]
  double seconds = 0.0;
};

// Runs the probe with the trainer's own step (batch size, accumulation, loss, clipping, cache; no
// validation, checkpoint or log in `training`'s output directory) and restores the tensors.
// Throws Error(kUsage) in a data-parallel run (pick the rate with one process).
LrRangeResult find_learning_rate(TuningMethod& method, const Dataset& train, const TrainerOptions& training,
                                 const LrRangeOptions& options = {});

}  // namespace ofapt
