#include "tuning/tuning_method.h"

#include <set>

#include "checkpoint/apply_state.h"
#include "util/error.h"

namespace ofapt {

TensorMap TuningMethod::export_tensors() {
  TensorMap out;
  for (const auto& [name, tensor] : trainable_tensors()) out[name] = tensor.detach().clone();
  return out;
}

void TuningMethod::load_tensors(const TensorMap& tensors, const std::string& source) {
  apply_tensors(trainable_tensors(), tensors, source);
}

void TuningMethod::set_training(bool training) {
  OFAPT_CHECK(!model_.is_empty(), ErrorKind::kInternal, "tuning method ", method_, " is not attached to a model");
  train(training);
  model_->train(training);
  if (training && !trains_image_backbone()) model_->encoder()->embed_images()->eval();
}

int64_t TuningMethod::trainable_parameter_count() {
  int64_t count = 0;
  for (const auto& [name, tensor] : trainable_tensors()) count += tensor.numel();
  return count;
}

int64_t TuningMethod::total_parameter_count() {
  std::set<const void*> seen;  // the tied embedding is counted once
  int64_t count = 0;
  auto add = [&](const torch::Tensor& tensor) {
    if (seen.insert(tensor.unsafeGetTensorImpl()).second) count += tensor.numel();
  };
  for (const auto& parameter : model_->parameters()) add(parameter);
  for (const auto& parameter : parameters()) add(parameter);
  return count;
}

OfaModel& TuningMethod::model() {
  OFAPT_CHECK(!model_.is_empty(), ErrorKind::kInternal, "tuning method ", method_, " is not attached to a model");
  return model_;
}

void TuningMethod::freeze_model() {
  for (auto& parameter : model_->parameters()) parameter.set_requires_grad(false);
}

std::vector<LayerBase*> stack_layers(OfaModel& model, const std::string& stack) {
  const int64_t count = stack == "encoder" ? model->config().encoder_layers : model->config().decoder_layers;
  auto modules = model->named_modules();
  std::vector<LayerBase*> layers;
  for (int64_t i = 0; i < count; ++i) {
    auto* found = modules.find(stack + ".layers." + std::to_string(i));
    auto* layer = found != nullptr ? dynamic_cast<LayerBase*>(found->get()) : nullptr;
    OFAPT_CHECK(layer != nullptr, ErrorKind::kInternal, "model has no layer ", stack, ".layers.", i);
    layers.push_back(layer);
  }
  return layers;
}

}  // namespace ofapt
