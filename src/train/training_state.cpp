#include "train/training_state.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cstring>
#include <mutex>
#include <sstream>

#include "checkpoint/safetensors.h"
#include "util/error.h"

namespace ofapt {
namespace {

constexpr char kMetadataKey[] = "ofapt_trainer";
constexpr char kTrainedPrefix[] = "trained/";

torch::Tensor bytes_tensor(const std::string& bytes) {
  auto tensor = torch::empty({static_cast<int64_t>(bytes.size())}, torch::kUInt8);
  std::memcpy(tensor.data_ptr(), bytes.data(), bytes.size());
  return tensor;
}

std::string tensor_bytes(const torch::Tensor& tensor) {
  auto cpu = tensor.to(torch::kCPU).contiguous();
  return std::string(static_cast<const char*>(cpu.data_ptr()), cpu.numel() * cpu.element_size());
}

}  // namespace

nlohmann::json TrainerPosition::to_json() const {
  return {{"step", step},
          {"epoch", epoch},
          {"batch_in_epoch", batch_in_epoch},
          {"lr_scale", lr_scale},
          {"skipped_steps", skipped_steps},
          {"consecutive_skips", consecutive_skips},
          {"best_metric", best_metric},
          {"best_step", best_step},
          {"stopped_early", stopped_early}};
}

TrainerPosition TrainerPosition::from_json(const nlohmann::json& json) {
  TrainerPosition position;
  position.step = json.at("step").get<int64_t>();
  position.epoch = json.at("epoch").get<int64_t>();
  position.batch_in_epoch = json.at("batch_in_epoch").get<int64_t>();
  position.lr_scale = json.at("lr_scale").get<double>();
  position.skipped_steps = json.at("skipped_steps").get<int64_t>();
  position.consecutive_skips = json.at("consecutive_skips").get<int64_t>();
  position.best_metric = json.at("best_metric").get<double>();
  position.best_step = json.at("best_step").get<int64_t>();
  position.stopped_early = json.value("stopped_early", false);  // absent in checkpoints before it existed
  return position;
}

void write_training_checkpoint(const std::string& path, const TrainingCheckpoint& checkpoint) {
  TensorMap tensors;
  for (const auto& [name, tensor] : checkpoint.trained) {
    tensors[kTrainedPrefix + name] = tensor.detach().to(torch::kCPU).contiguous();
  }
  tensors["optimizer"] = bytes_tensor(checkpoint.optimizer_bytes);
  if (checkpoint.cpu_rng.defined()) tensors["rng/cpu"] = checkpoint.cpu_rng;
  if (checkpoint.cuda_rng.defined()) tensors["rng/cuda"] = checkpoint.cuda_rng;
  nlohmann::json meta = {{"position", checkpoint.position.to_json()}, {"identity", checkpoint.identity}};
  write_safetensors(path, tensors, {{kMetadataKey, meta.dump()}});
}

TrainingCheckpoint read_training_checkpoint(const std::string& path) {
  std::map<std::string, std::string> metadata;
  TensorMap tensors = read_safetensors(path, &metadata);
  OFAPT_CHECK(metadata.count(kMetadataKey) != 0 && tensors.count("optimizer") != 0, ErrorKind::kFormat, path,
              ": not an ofapt training checkpoint (no ", kMetadataKey, " metadata or optimizer state)");
  TrainingCheckpoint checkpoint;
  try {
    const auto meta = nlohmann::json::parse(metadata.at(kMetadataKey));
    checkpoint.position = TrainerPosition::from_json(meta.at("position"));
    checkpoint.identity = meta.at("identity");
  } catch (const nlohmann::json::exception& error) {
    throw Error(ErrorKind::kFormat, str(path, ": broken trainer metadata: ", error.what()));
  }
  for (auto& [name, tensor] : tensors) {
    if (name.rfind(kTrainedPrefix, 0) == 0) checkpoint.trained[name.substr(std::strlen(kTrainedPrefix))] = tensor;
  }
  checkpoint.optimizer_bytes = tensor_bytes(tensors.at("optimizer"));
  if (tensors.count("rng/cpu") != 0) checkpoint.cpu_rng = tensors.at("rng/cpu");
  if (tensors.count("rng/cuda") != 0) checkpoint.cuda_rng = tensors.at("rng/cuda");
  return checkpoint;
}

std::string save_optimizer(torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive archive;
  optimizer.save(archive);
  std::ostringstream out;
  archive.save_to(out);
  return out.str();
}

void load_optimizer(torch::optim::Optimizer& optimizer, const std::string& bytes, const std::string& source) {
  try {
    std::istringstream in(bytes);
    torch::serialize::InputArchive archive;
    archive.load_from(in);
    optimizer.load(archive);
  } catch (const c10::Error& error) {
    throw Error(ErrorKind::kFormat, str(source, ": the optimizer state does not load: ", error.what_without_backtrace()));
  }
}

void capture_rng(TrainingCheckpoint& checkpoint) {
  checkpoint.cpu_rng = at::detail::getDefaultCPUGenerator().get_state();
  if (torch::cuda::is_available()) {
    checkpoint.cuda_rng = at::globalContext().defaultGenerator(c10::Device(c10::kCUDA)).get_state();
  }
}

void restore_rng(const TrainingCheckpoint& checkpoint) {
  if (checkpoint.cpu_rng.defined()) {
    at::Generator generator = at::detail::getDefaultCPUGenerator();  // a handle on the shared generator
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(checkpoint.cpu_rng);
  }
  if (checkpoint.cuda_rng.defined() && torch::cuda::is_available()) {
    at::Generator generator = at::globalContext().defaultGenerator(c10::Device(c10::kCUDA));
    std::lock_guard<std::mutex> lock(generator.mutex());
    generator.set_state(checkpoint.cuda_rng);
  }
}

}  // namespace ofapt
