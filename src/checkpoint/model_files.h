// Whole-model checkpoints: find and read any supported layout into a config + HF-named tensors,
// build an OfaModel from it, and write ofapt's own clean layout (config.json + model.safetensors).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "checkpoint/tensor_map.h"
#include "model/ofa_model.h"

namespace ofapt {

struct CheckpointReadOptions {
  bool use_ema = false;  // fairseq .pt: load extra_state["ema"] instead of "model"
};

// A checkpoint as read from disk, before it meets a model.
struct CheckpointContents {
  nlohmann::json config;      // HF-style config.json object (built from fairseq args when needed)
  TensorMap tensors;          // state dict under the authors' Hugging Face port names
  std::string weights_path;   // the file the tensors came from (named in errors)
  std::string format;         // "safetensors", "torch-state-dict" or "fairseq"
  std::string directory;      // where tokenizer files may live ("" when none)
};

// `path` is one of:
//   a directory with config.json and model.safetensors or pytorch_model.bin (HF layout; ofapt's own),
//   a .safetensors / .bin file with config.json beside it,
//   a fairseq checkpoint (.pt: args Namespace or cfg dict + model), whose config comes from its args.
// Throws Error naming the path when nothing usable is there.
CheckpointContents read_checkpoint(const std::string& path, const CheckpointReadOptions& options = {});

// Builds the model of `contents.config` and loads the tensors with every name/shape/dtype check
// (checkpoint/apply_state.h); the model is left in eval mode.
OfaModel build_model(const CheckpointContents& contents);
OfaModel load_model(const std::string& path, const CheckpointReadOptions& options = {});

struct ModelWriteOptions {
  torch::ScalarType dtype = torch::kFloat;  // storage dtype of floating tensors (float, half or bfloat16)
  nlohmann::json extra_config;              // merged into config.json (e.g. provenance of the model)
};

// Writes config.json and model.safetensors into `directory` (created if needed), each atomically.
// Only canonical names are written: one copy of the tied embedding, no regenerated buffers.
void save_model(OfaModel& model, const std::string& directory, const ModelWriteOptions& options = {});

// The model's state as written by save_model (canonical names, parameters and buffers).
TensorMap model_state(OfaModel& model);

}  // namespace ofapt
