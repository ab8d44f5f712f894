#include "tuning/lora.h"

#include <sstream>

#include "util/error.h"

namespace ofapt {

LoraDeltaImpl::LoraDeltaImpl(int64_t in_features, int64_t out_features, int64_t rank, double alpha, double dropout)
    : scaling_(alpha / static_cast<double>(rank)), dropout_(dropout) {
  // torch's Linear initialisation (Kaiming-uniform, a = sqrt(5)) for A, as peft; B starts at zero.
  lora_A_ = register_module("lora_A", torch::nn::Linear(torch::nn::LinearOptions(in_features, rank).bias(false)));
  lora_B_ = register_module("lora_B", torch::nn::Linear(torch::nn::LinearOptions(rank, out_features).bias(false)));
  torch::NoGradGuard no_grad;
  lora_B_->weight.zero_();
}

torch::Tensor LoraDeltaImpl::delta(const torch::Tensor& input) {
  return lora_B_(lora_A_(torch::dropout(input, dropout_, is_training()))) * scaling_;
}

LoraTuning::LoraTuning(SpecReader spec, const OfaConfig& config) : TuningMethod("lora") {
  const int64_t rank = spec.integer("rank", 8, 1, 1 << 16);
  const double alpha = spec.number("alpha", 16.0, 0.0, 1e6);
  const double dropout = spec.number("dropout", 0.0, 0.0, 0.99);
  const std::string targets = spec.text("targets", "q_proj+v_proj");
  const std::string depth = spec.choice("depth", "both", {"encoder", "decoder", "both"});
  spec.finish();
  set_spec(spec.canonical());

  // Expand the target names into (attention, projection) or FFN linears per layer kind.
  std::vector<std::string> names;
  std::stringstream list(targets);
  for (std::string name; std::getline(list, name, '+');) names.push_back(name);
  auto linears_of = [&](bool decoder) {
    std::vector<std::string> out;
    for (const auto& name : names) {
      if (name == "fc1" || name == "fc2") {
        out.push_back(name);
      } else if (name == "q_proj" || name == "k_proj" || name == "v_proj" || name == "out_proj") {
        out.push_back("self_attn." + name);
        if (decoder) out.push_back("cross_attn." + name);
      } else {
        const auto dot = name.find('.');
        const std::string owner = name.substr(0, dot);
        const std::string projection = dot == std::string::npos ? "" : name.substr(dot + 1);
        const bool valid = (owner == "self_attn" || owner == "cross_attn") &&
                           (projection == "q_proj" || projection == "k_proj" || projection == "v_proj" ||
                            projection == "out_proj");
        OFAPT_CHECK(valid, ErrorKind::kUsage, "tuning spec lora: target '", name,
                    "' is not one of q_proj k_proj v_proj out_proj fc1 fc2 or <self_attn|cross_attn>.<proj>");
        if (decoder || owner == "self_attn") out.push_back(name);
      }
    }
    return out;
  };
  auto list_module = register_module("deltas", torch::nn::ModuleList());
  for (const std::string stack : {"encoder", "decoder"}) {
    if (depth != "both" && depth != stack) continue;
    const bool decoder = stack == "decoder";
    const int64_t layers = decoder ? config.decoder_layers : config.encoder_layers;
    const int64_t ffn = decoder ? config.decoder_ffn_dim : config.encoder_ffn_dim;
    for (int64_t i = 0; i < layers; ++i) {
      for (const auto& linear : linears_of(decoder)) {
        const int64_t in = linear == "fc2" ? ffn : config.d_model;
        const int64_t out = linear == "fc1" ? ffn : config.d_model;
        LoraDelta delta(in, out, rank, alpha, dropout);
        list_module->push_back(delta);
        targets_.push_back({stack + ".layers." + std::to_string(i), linear, delta});
      }
    }
  }
  OFAPT_CHECK(!targets_.empty(), ErrorKind::kUsage, "tuning spec lora: targets='", targets, "' selects no layer");
}

void LoraTuning::attach(OfaModel model) {
  model_ = std::move(model);
  freeze_model();
  to(model_->parameters().front().device());
  auto modules = model_->named_modules();
  for (auto& target : targets_) {
    auto* found = modules.find(target.layer);
    auto* layer = found != nullptr ? dynamic_cast<LayerBase*>(found->get()) : nullptr;
    OFAPT_CHECK(layer != nullptr, ErrorKind::kInternal, "model has no layer ", target.layer);
    layer->attach_delta(target.linear, target.delta.ptr());
  }
}

TensorMap LoraTuning::trainable_tensors() {
  TensorMap out;
  for (auto& target : targets_) {
    for (const auto& item : target.delta->named_parameters()) {
      out[target.layer + "." + target.linear + "." + item.key()] = item.value();
    }
  }
  return out;
}

}  // namespace ofapt
