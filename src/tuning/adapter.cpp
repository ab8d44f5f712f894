#include "tuning/adapter.h"

namespace ofapt {

AdapterLayerImpl::AdapterLayerImpl(int64_t embed_dim, int64_t bottleneck, bool identity_init) {
  down_proj_ = register_module("down_proj", torch::nn::Linear(embed_dim, bottleneck));
  up_proj_ = register_module("up_proj", torch::nn::Linear(bottleneck, embed_dim));
  torch::NoGradGuard no_grad;
  down_proj_->weight.normal_(0.0, 0.02);
  down_proj_->bias.zero_();
  if (identity_init) {
    up_proj_->weight.zero_();
  } else {
    up_proj_->weight.normal_(0.0, 0.02);
  }
  up_proj_->bias.zero_();
}

torch::Tensor AdapterLayerImpl::adapt(const torch::Tensor& branch) {
  return up_proj_(torch::relu(down_proj_(branch))) + branch;
}

AdapterTuning::AdapterTuning(SpecReader spec, const OfaConfig& config) : TuningMethod("adapter") {
  const int64_t dim = spec.integer("dim", 100, 1, 1 << 20);
  const std::string depth = spec.choice("depth", "both", {"encoder", "decoder", "both"});
  const bool identity = spec.choice("init", "bert", {"bert", "identity"}) == "identity";
  spec.finish();
  set_spec(spec.canonical());
  for (const std::string stack : {"encoder", "decoder"}) {
    if (depth != "both" && depth != stack) continue;
    stacks_.push_back(stack);
    const int64_t layers = stack == "encoder" ? config.encoder_layers : config.decoder_layers;
    auto list = register_module(stack + "_adapters", torch::nn::ModuleList());
    for (int64_t i = 0; i < layers; ++i) {
      AdapterLayer adapter(config.d_model, dim, identity);
      list->push_back(adapter);
      adapters_.emplace_back(stack, adapter);
    }
  }
}

void AdapterTuning::attach(OfaModel model) {
  model_ = std::move(model);
  freeze_model();
  to(model_->parameters().front().device());
  size_t next = 0;
  for (const auto& stack : stacks_) {
    for (LayerBase* layer : stack_layers(model_, stack)) layer->attach_adapter(adapters_[next++].second.ptr());
  }
}

TensorMap AdapterTuning::trainable_tensors() {
  TensorMap out;
  std::map<std::string, int64_t> index;
  for (auto& [stack, adapter] : adapters_) {
    const std::string prefix = stack + ".layers." + std::to_string(index[stack]++) + ".adapter.";
    for (const auto& item : adapter->named_parameters()) out[prefix + item.key()] = item.value();
  }
  return out;
}

}  // namespace ofapt
