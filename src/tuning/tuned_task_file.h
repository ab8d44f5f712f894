// A tuned task on disk: only the method's tensors and the base model's fingerprint, never the frozen
// backbone. A directory in peft's layout:
//   adapter_model.safetensors   the tensors of TuningMethod::export_tensors()
//   adapter_config.json         {"format": "ofapt-tuned-task", "spec", "trained_spec", "peft_type",
//                                "base_model": {config_hash, weights_hash}, "tensors_hash", ...}
// docs/tuning.md describes the fields.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "checkpoint/tensor_map.h"
#include "tuning/model_fingerprint.h"
#include "tuning/tuning_method.h"

namespace ofapt {

inline constexpr char kTunedTensorsFile[] = "adapter_model.safetensors";
inline constexpr char kTunedConfigFile[] = "adapter_config.json";

struct TunedTask {
  std::string directory;
  nlohmann::json config;      // adapter_config.json
  std::string spec;           // the spec that loads the tensors (export_spec())
  ModelFingerprint base;      // the model it was trained on
  TensorMap tensors;
};

// Writes both files atomically (tensors first; the config names their hash, so a run killed between
// the two writes leaves a directory that is refused on load rather than silently mixed).
// `extra` is merged into the config (task name, metrics, training settings).
void save_tuned_task(TuningMethod& method, const ModelFingerprint& base, const std::string& directory,
                     const nlohmann::json& extra = {});

// Reads and checks a tuned-task directory. Throws Error naming the file and the problem.
TunedTask read_tuned_task(const std::string& directory);

// Builds the method of `task.spec`, attaches it to `model` and loads the tensors. Unless
// `check_base` is false, refuses (Error kSchema) a model whose fingerprint differs from the file's.
std::shared_ptr<TuningMethod> load_tuned_task(const TunedTask& task, OfaModel model, bool check_base = true);

}  // namespace ofapt
