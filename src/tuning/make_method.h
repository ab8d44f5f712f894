// Builds a tuning method from its spec string (tuning_spec.h); the per-method headers document options.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tuning/tuning_method.h"

namespace ofapt {

// Throws Error(kUsage) for an unknown method or a bad option. Not yet attached.
std::shared_ptr<TuningMethod> make_method(const std::string& spec, const OfaConfig& config);

// make_method + attach.
std::shared_ptr<TuningMethod> attach_method(const std::string& spec, OfaModel model);

const std::vector<std::string>& method_names();  // prompt adapter bitfit lora finetune

// The learning rate each method trains well with when the user gives none (docs/tuning.md):
// prompts need a far larger one than weights (the paper's 0.03).
double default_learning_rate(const std::string& method);

}  // namespace ofapt
