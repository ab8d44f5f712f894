#include "tuning/tuned_task_file.h"

#include <sys/stat.h>

#include "checkpoint/safetensors.h"
#include "tuning/make_method.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"

namespace ofapt {
namespace {

const char* peft_type(const std::string& method) {
  if (method == "prompt") return "PREFIX_TUNING";
  if (method == "lora") return "LORA";
  if (method == "adapter") return "BOTTLENECK_ADAPTER";
  if (method == "bitfit") return "BITFIT";
  return "FULL_FINETUNING";
}

}  // namespace

void save_tuned_task(TuningMethod& method, const ModelFingerprint& base, const std::string& directory,
                     const nlohmann::json& extra) {
  make_directory(directory);
  TensorMap tensors;
  int64_t count = 0;
  for (const auto& [name, tensor] : method.export_tensors()) {
    tensors[name] = tensor.to(torch::kCPU).contiguous();
    count += tensor.numel();
  }
  const std::string tensors_path = join_path(directory, kTunedTensorsFile);
  write_safetensors(tensors_path, tensors, {{"format", "pt"}, {"producer", "ofapt"}});

  nlohmann::json config = {{"format", "ofapt-tuned-task"},
                           {"format_version", 1},
                           {"method", method.method()},
                           {"spec", method.export_spec()},
                           {"trained_spec", method.spec()},
                           {"peft_type", peft_type(method.method())},
                           {"parameters", count},
                           {"base_model", base.to_json()},
                           {"tensors_hash", Hash64().update(read_file(tensors_path)).hex()}};
  if (extra.is_object()) config.update(extra);
  write_file_atomic(join_path(directory, kTunedConfigFile), config.dump(1) + "\n");
}

TunedTask read_tuned_task(const std::string& directory) {
  const std::string config_path = join_path(directory, kTunedConfigFile);
  const std::string tensors_path = join_path(directory, kTunedTensorsFile);
  OFAPT_CHECK(is_directory(directory), ErrorKind::kIo, directory, ": not a tuned-task directory (expected ",
              kTunedConfigFile, " and ", kTunedTensorsFile, " inside)");
  OFAPT_CHECK(file_exists(config_path), ErrorKind::kIo, config_path, ": missing");
  OFAPT_CHECK(file_exists(tensors_path), ErrorKind::kIo, tensors_path, ": missing");

  TunedTask task;
  task.directory = directory;
  task.config = nlohmann::json::parse(read_file(config_path), nullptr, /*allow_exceptions=*/false);
  OFAPT_CHECK(task.config.is_object(), ErrorKind::kFormat, config_path, ": not a JSON object");
  OFAPT_CHECK(task.config.value("format", "") == "ofapt-tuned-task", ErrorKind::kFormat, config_path,
              ": \"format\" is not \"ofapt-tuned-task\"");
  OFAPT_CHECK(task.config.contains("spec") && task.config["spec"].is_string(), ErrorKind::kFormat, config_path,
              ": needs a string field \"spec\"");
  task.spec = task.config["spec"].get<std::string>();
  task.base = ModelFingerprint::from_json(task.config.value("base_model", nlohmann::json()), config_path);

  const std::string bytes = read_file(tensors_path);
  if (task.config.contains("tensors_hash")) {
    OFAPT_CHECK(task.config["tensors_hash"] == Hash64().update(bytes).hex(), ErrorKind::kFormat, tensors_path,
                ": does not match the tensors_hash of ", kTunedConfigFile,
                " (the directory mixes two saves, or the file was changed)");
  }
  task.tensors = parse_safetensors(bytes.data(), bytes.size(), tensors_path);
  return task;
}

std::shared_ptr<TuningMethod> load_tuned_task(const TunedTask& task, OfaModel model, bool check_base) {
  const std::string source = join_path(task.directory, kTunedTensorsFile);
  if (check_base) {
    const ModelFingerprint actual = fingerprint_model(model);
    OFAPT_CHECK(actual.config_hash == task.base.config_hash, ErrorKind::kSchema, task.directory,
                ": this tuned task was trained on a model of another architecture (config hash ",
                task.base.config_hash, ", this model ", actual.config_hash, ")");
    OFAPT_CHECK(actual.weights_hash == task.base.weights_hash, ErrorKind::kSchema, task.directory,
                ": this tuned task was trained on other base weights (weights hash ", task.base.weights_hash,
                ", this model ", actual.weights_hash, "); load it on the model it was trained with");
  }
  auto method = attach_method(task.spec, std::move(model));
  method->load_tensors(task.tensors, source);
  method->set_training(false);
  return method;
}

}  // namespace ofapt
