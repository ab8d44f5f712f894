#include "tuning/full_finetuning.h"

#include "checkpoint/apply_state.h"
#include "checkpoint/model_files.h"

namespace ofapt {

FullFinetuning::FullFinetuning(SpecReader spec) : TuningMethod("finetune") {
  const std::string freeze = spec.choice("freeze", "none", {"none", "embeddings", "resnet", "embeddings+resnet"});
  spec.finish();
  set_spec(spec.canonical());
  freeze_embeddings_ = freeze.find("embeddings") != std::string::npos;
  freeze_resnet_ = freeze.find("resnet") != std::string::npos;
}

void FullFinetuning::attach(OfaModel model) {
  model_ = std::move(model);
  for (auto& parameter : model_->parameters()) parameter.set_requires_grad(true);
  if (freeze_embeddings_) model_->embed_tokens()->weight.set_requires_grad(false);
  if (freeze_resnet_) {
    for (auto& parameter : model_->encoder()->embed_images()->parameters()) parameter.set_requires_grad(false);
  }
}

TensorMap FullFinetuning::trainable_tensors() {
  TensorMap out;
  for (const auto& item : model_->named_parameters()) {
    if (item.value().requires_grad()) out[item.key()] = item.value();
  }
  return out;
}

}  // namespace ofapt

namespace ofapt {

TensorMap FullFinetuning::export_tensors() {
  TensorMap out;
  for (const auto& [name, tensor] : model_state(model_)) out[name] = tensor.clone();
  return out;
}

void FullFinetuning::load_tensors(const TensorMap& tensors, const std::string& source) {
  apply_tensors(model_state(model_), tensors, source);
}

}  // namespace ofapt
