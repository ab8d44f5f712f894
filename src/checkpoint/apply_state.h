// Copies a tensor map into a module's parameters and buffers by name, with every check a wrong file
// needs: names, shapes and dtypes are compared first, and nothing is copied unless all fit.
// Model-agnostic: the OFA-specific rules come in through StateSchemaRules (see key_names.h).
#pragma once

#include <torch/torch.h>

#include <functional>
#include <map>
#include <string>

#include "checkpoint/tensor_map.h"

namespace ofapt {

struct StateSchemaRules {
  // File keys skipped without complaint, e.g. buffers the model regenerates (is_regenerated_key).
  // Empty: none.
  std::function<bool(const std::string&)> ignore;
  // Module keys the file may lack; they keep their current values, e.g. BatchNorm's
  // num_batches_tracked (is_optional_model_key). Empty: every module key is required.
  std::function<bool(const std::string&)> optional;
  // File key -> module key, for a tensor a file stores under another name, such as the tied
  // embedding's decoder.output_projection.weight -> encoder.embed_tokens.weight. A file key that
  // the module itself has is loaded under its own name. When several file keys reach one module
  // key, the first (own name, then aliases in map order) is copied and the rest must agree in shape.
  std::map<std::string, std::string> aliases;
};

// Loads `tensors` into `module` (its named_parameters() and named_buffers()) under NoGradGuard.
// Floating-point tensors are converted to the module's dtype (released fairseq files are fp16),
// and moved to its device. Throws Error(kSchema) naming `source` (the file) and leaves the module
// unchanged when keys are missing or unexpected (one message listing up to 20 of each plus the
// counts), or when shapes differ or an integer/bool tensor meets a floating one (one message
// listing every such key with expected and actual shape or dtype).
void apply_state_dict(torch::nn::Module& module, const TensorMap& tensors, const std::string& source,
                      const StateSchemaRules& rules = {});

// The same for any set of named target tensors (for example a tuning method's parameters under
// their file names); the targets are filled in place.
void apply_tensors(const TensorMap& targets, const TensorMap& tensors, const std::string& source,
                   const StateSchemaRules& rules = {});

// A module's parameters and defined buffers by name.
TensorMap module_tensors(torch::nn::Module& module);

}  // namespace ofapt
