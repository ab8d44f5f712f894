// Validation during training: a metric over a held-out dataset, computed with the method in eval mode.
// Task validators (captioning CIDEr, grounding Acc@0.5, ...) implement the same interface (src/tasks).
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "data/dataset.h"
#include "model/generator.h"
#include "tuning/tuning_method.h"

namespace ofapt {

struct ValidationResult {
  std::string metric;           // "exact_match", "loss", "cider", ...
  double value = 0.0;
  bool higher_is_better = true;
  nlohmann::json details;       // other numbers worth logging

  bool better_than(double other) const { return higher_is_better ? value > other : value < other; }
};

class Validator {
 public:
  virtual ~Validator() = default;
  virtual ValidationResult validate(TuningMethod& method, const Dataset& data, const torch::Device& device) = 0;
};

struct SequenceValidatorOptions {
  std::string metric = "exact_match";  // exact_match (generated == target) | loss (token NLL, lower is better)
  int64_t batch_size = 16;
  GenerationOptions generation;        // beam search settings for exact_match
};

// The generic validator: mean token NLL (teacher forcing, no smoothing) and exact match of the
// generated sequence against the target.
class SequenceValidator : public Validator {
 public:
  explicit SequenceValidator(SequenceValidatorOptions options) : options_(std::move(options)) {}
  ValidationResult validate(TuningMethod& method, const Dataset& data, const torch::Device& device) override;

 private:
  SequenceValidatorOptions options_;
};

}  // namespace ofapt
