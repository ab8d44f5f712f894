// Options shared by the commands that run a model: which model, which image, which text or ids.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "checkpoint/model_files.h"
#include "tuning/tuning_method.h"

#ifndef OFAPT_DEFAULT_MODEL_DIR  // set by CMake to the checkout's models/nano-world
#define OFAPT_DEFAULT_MODEL_DIR "models/nano-world"
#endif

namespace ofapt::cli {

// The shipped default model (models/nano-world/README.md), for the commands that run without --model.
inline constexpr char kDefaultModelDir[] = OFAPT_DEFAULT_MODEL_DIR;

struct ModelInputOptions {
  std::string model;        // checkpoint directory or file
  bool use_ema = false;     // fairseq: EMA weights
  std::string image;        // image file (PNG/JPEG); empty = text only
  int64_t image_size = 0;   // resize to S x S (0 = the image's own size; it must be square)
  std::string source_ids;   // "0 ... 2"
  std::string source;       // text, encoded as [bos] + BPE(text) + [eos]
  std::string tuned;        // tuned-task directory (adapter_config.json + adapter_model.safetensors)
};

void add_model_options(CLI::App& app, ModelInputOptions& options);

struct LoadedInputs {
  CheckpointContents contents;
  OfaModel model{nullptr};
  torch::Tensor image;                // [3, S, S] or undefined
  std::vector<int64_t> source_ids;
  std::shared_ptr<TuningMethod> method;  // the tuned task, when --tuned was given

  // The tuned task's prompt for `rows` rows (empty without one).
  PromptKV prompt(int64_t rows) const { return method ? method->prompt(rows) : PromptKV{}; }
};

// Loads --tuned onto `model` (checking the base fingerprint); nullptr when no directory is given.
std::shared_ptr<TuningMethod> load_tuned_option(const std::string& directory, OfaModel model);

// Loads the model and resolves the image and the source (ids, or text through the model's tokenizer).
LoadedInputs load_inputs(const ModelInputOptions& options);

// [bos] + ids(text) + [eos] with the tokenizer found for `model_dir`.
std::vector<int64_t> encode_sentence(const std::string& model_dir, const std::string& text);

}  // namespace ofapt::cli
