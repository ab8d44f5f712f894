// Adversarial robustness (OFA-PT section 4.3): FGSM and PGD under an L-inf bound, ascending the task
// loss of the gold targets, in one of two spaces:
//   pixel      the normalised image; epsilon in 1/255 of the pixel range
//   embedding  the token embeddings and the ResNet features the encoder projects (OFA-PT perturbs
//              embeddings, not pixels); epsilon is a fraction of each position's RMS value, so one
//              number means the same for tokens and image patches of any scale
// The paper gives no epsilon, steps or code (ofa-spec 13); these are the standard formulations
// (Goodfellow et al. 2015; Madry et al. 2018, random start).
#pragma once

#include <cstdint>
#include <string>

#include "data/example.h"
#include "model/ofa_model.h"
#include "tasks/task_predictor.h"

namespace ofapt {

struct AttackOptions {
  std::string method = "fgsm";  // fgsm | pgd
  std::string space = "pixel";  // pixel | embedding
  double epsilon = 2.0;         // pixel: units of 1/255; embedding: fraction of the position's RMS
  int64_t steps = 10;           // pgd iterations
  double step_size = 0.0;       // pgd step, in epsilon's units; 0 = 2.5 * epsilon / steps
  bool random_start = true;     // pgd starts from a uniform point in the ball
  uint64_t seed = 1;            // the random starts

  // "fgsm-pixel-eps2" style name for tables and files.
  std::string name() const;
  // Throws Error(kUsage) naming the bad field.
  void check() const;
};

// The adversarial encoder input of `batch` (its gold targets): images replaced in pixel space;
// token_embeddings and image_features set in embedding space. The model should be in eval mode;
// its parameters get no gradients.
EncoderInput attack_batch(OfaModel& model, const PromptKV& prompt, const Batch& batch, const AttackOptions& options);

// The hook that makes evaluate_task score attacked inputs (TaskEvaluationOptions::perturb): each
// batch of rows is attacked once, then every prediction of those rows reads the attacked input.
std::function<InputEdit(const std::vector<TaskExample>&)> adversarial_inputs(OfaModel model, PromptFor prompt,
                                                                             AttackOptions options,
                                                                             torch::Device device);

}  // namespace ofapt
