// Houlsby-style adapters (ofa-spec 9.9): in every layer of the chosen stacks, the FFN branch passes
// through  out = up(relu(down(x))) + x  after fc2 and dropout, before the block's residual add.
// Only the adapters train. (The reference script nests its freezing inside the prompt branch, so
// `--adapter` alone trains the whole model but the embeddings; that bug is not reproduced.)
//
// Spec: adapter:dim=100,depth=both,init=bert
//   dim     bottleneck width A (the reference script's 100; its code default is 200)
//   depth   encoder | decoder | both
//   init    bert: N(0, 0.02) weights and zero biases, as the reference (not an identity at start)
//           identity: as bert but up_proj zero, so the untrained adapter is exactly the identity
#pragma once

#include "model/layer_hooks.h"
#include "tuning/tuning_method.h"
#include "tuning/tuning_spec.h"

namespace ofapt {

class AdapterLayerImpl : public torch::nn::Module, public BranchAdapter {
 public:
  AdapterLayerImpl(int64_t embed_dim, int64_t bottleneck, bool identity_init);
  torch::Tensor adapt(const torch::Tensor& branch) override;  // up(relu(down(x))) + x

 private:
  torch::nn::Linear down_proj_{nullptr}, up_proj_{nullptr};
};
TORCH_MODULE(AdapterLayer);

class AdapterTuning : public TuningMethod {
 public:
  AdapterTuning(SpecReader spec, const OfaConfig& config);

  void attach(OfaModel model) override;
  TensorMap trainable_tensors() override;  // <stack>.layers.<i>.adapter.{down_proj,up_proj}.{weight,bias}

 private:
  std::vector<std::pair<std::string, AdapterLayer>> adapters_;  // (stack, adapter) in layer order
  std::vector<std::string> stacks_;
};

}  // namespace ofapt
