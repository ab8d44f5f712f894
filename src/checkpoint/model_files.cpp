#include "checkpoint/model_files.h"

#include <sys/stat.h>

#include "checkpoint/apply_state.h"
#include "checkpoint/fairseq_config.h"
#include "checkpoint/key_names.h"
#include "checkpoint/safetensors.h"
#include "checkpoint/torch_checkpoint.h"
#include "util/error.h"
#include "util/file.h"
#include "util/strings.h"

namespace ofapt {
namespace {

std::string parent_directory(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

nlohmann::json read_config_json(const std::string& path) {
  try {
    return nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kFormat, str(path, ": not valid JSON (", e.what(), ")"));
  }
}

// Some exports prefix every key with "model." (a wrapper module); the model itself has none.
TensorMap strip_wrapper_prefix(TensorMap tensors) {
  const std::string prefix = "model.";
  for (const auto& entry : tensors) {
    if (entry.first.rfind(prefix, 0) != 0) return tensors;
  }
  TensorMap stripped;
  for (auto& entry : tensors) stripped.emplace(entry.first.substr(prefix.size()), entry.second);
  return stripped;
}

CheckpointContents read_weights_file(const std::string& weights, const std::string& config_path,
                                     const CheckpointReadOptions& options) {
  CheckpointContents contents;
  contents.weights_path = weights;
  contents.directory = parent_directory(weights);
  if (ends_with(weights, ".safetensors")) {
    contents.format = "safetensors";
    contents.tensors = read_safetensors(weights);
  } else if (is_fairseq_checkpoint(weights)) {
    contents.format = "fairseq";
    FairseqReadOptions fairseq_options;
    fairseq_options.use_ema = options.use_ema;
    auto checkpoint = read_fairseq_checkpoint(weights, fairseq_options);
    contents.tensors = hf_state_from_fairseq(checkpoint.model, weights);
    if (!file_exists(config_path)) {
      contents.config = hf_config_from_fairseq_args(checkpoint.model_args, checkpoint.model, weights);
    }
  } else {
    contents.format = "torch-state-dict";
    contents.tensors = hf_state_from_fairseq(read_torch_state_dict(weights), weights);
  }
  contents.tensors = strip_wrapper_prefix(std::move(contents.tensors));
  if (contents.config.is_null()) {
    OFAPT_CHECK(file_exists(config_path), ErrorKind::kIo, weights, ": no config.json beside it (looked for ",
                config_path, ")");
    contents.config = read_config_json(config_path);
  }
  return contents;
}

}  // namespace

CheckpointContents read_checkpoint(const std::string& path, const CheckpointReadOptions& options) {
  OFAPT_CHECK(file_exists(path), ErrorKind::kIo, path, ": no such file or directory");
  if (!is_directory(path)) return read_weights_file(path, join_path(parent_directory(path), "config.json"), options);
  for (const char* name : {"model.safetensors", "pytorch_model.bin"}) {
    const std::string weights = join_path(path, name);
    if (file_exists(weights)) return read_weights_file(weights, join_path(path, "config.json"), options);
  }
  throw Error(ErrorKind::kIo, str(path, ": no model.safetensors or pytorch_model.bin in this directory"));
}

OfaModel build_model(const CheckpointContents& contents) {
  const OfaConfig config = OfaConfig::from_json(contents.config, contents.weights_path + " (config)");
  OfaModel model(config);
  StateSchemaRules rules;
  rules.ignore = is_regenerated_key;
  rules.optional = is_optional_model_key;
  for (const auto& alias : shared_embedding_aliases()) rules.aliases[alias] = kSharedEmbeddingKey;
  apply_state_dict(*model, contents.tensors, contents.weights_path, rules);
  model->eval();
  return model;
}

OfaModel load_model(const std::string& path, const CheckpointReadOptions& options) {
  return build_model(read_checkpoint(path, options));
}

TensorMap model_state(OfaModel& model) {
  TensorMap state;
  for (const auto& entry : model->named_parameters()) state.emplace(entry.key(), entry.value().detach());
  for (const auto& entry : model->named_buffers()) state.emplace(entry.key(), entry.value().detach());
  return state;
}

void save_model(OfaModel& model, const std::string& directory, const ModelWriteOptions& options) {
  make_directory(directory);
  TensorMap state;
  for (auto& entry : model_state(model)) {
    auto tensor = entry.second.to(torch::kCPU);
    if (tensor.is_floating_point()) tensor = tensor.to(options.dtype);
    state.emplace(entry.first, tensor.contiguous());
  }
  write_safetensors(join_path(directory, "model.safetensors"), state, {{"format", "pt"}, {"producer", "ofapt"}});
  nlohmann::json config = model->config().to_json();
  if (!options.extra_config.is_null()) config.update(options.extra_config);
  write_file_atomic(join_path(directory, "config.json"), config.dump(1) + "\n");
}

}  // namespace ofapt
