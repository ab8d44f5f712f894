// LoRA (Hu et al. 2021): a frozen Linear W gains a trained low-rank delta,
//   y = W x + b + (alpha / r) · B A dropout(x),   A [r, in] Kaiming-uniform, B [out, r] zero,
// so the untrained model is unchanged. Names follow peft: <module>.lora_A.weight, <module>.lora_B.weight.
//
// Spec: lora:rank=8,alpha=16,dropout=0,targets=q_proj+v_proj,depth=both
//   targets   '+'-separated: q_proj k_proj v_proj out_proj (every attention of a layer) or
//             self_attn.q_proj / cross_attn.v_proj ... (one attention), fc1, fc2
//   depth     encoder | decoder | both
#pragma once

#include "model/layer_hooks.h"
#include "tuning/tuning_method.h"
#include "tuning/tuning_spec.h"

namespace ofapt {

class LoraDeltaImpl : public torch::nn::Module, public LinearDelta {
 public:
  LoraDeltaImpl(int64_t in_features, int64_t out_features, int64_t rank, double alpha, double dropout);
  torch::Tensor delta(const torch::Tensor& input) override;

 private:
  torch::nn::Linear lora_A_{nullptr}, lora_B_{nullptr};
  double scaling_, dropout_;
};
TORCH_MODULE(LoraDelta);

class LoraTuning : public TuningMethod {
 public:
  LoraTuning(SpecReader spec, const OfaConfig& config);

  void attach(OfaModel model) override;
  TensorMap trainable_tensors() override;

 private:
  struct Target {
    std::string layer;   // "encoder.layers.3"
    std::string linear;  // "self_attn.q_proj", "fc1"
    LoraDelta delta{nullptr};
  };
  std::vector<Target> targets_;
};

}  // namespace ofapt
