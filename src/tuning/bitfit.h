// BitFit (Ben Zaken et al. 2021): only biases train, in place in the model.
//
// Spec: bitfit (the reference's set) | bitfit:all (every bias)
//   The reference set ([pt:train.py], ofa-spec 9.9) is a name rule on fairseq names: a parameter trains
//   iff it contains ("layer_norm" and "bias") or ("fc" and "bias"). Applied to our (Hugging Face) names
//   through the fairseq spelling, it selects the self_attn_layer_norm, cross_attn_layer_norm,
//   final_layer_norm and stack layer_norm biases plus fc1/fc2 biases; not q/k/v/out biases, the NormFormer
//   mid/FFN layer norms, layernorm_embedding or position biases.
#pragma once

#include "tuning/tuning_method.h"
#include "tuning/tuning_spec.h"

namespace ofapt {

// Whether the reference BitFit rule selects the model parameter named `name` (HF spelling).
bool is_reference_bitfit_parameter(const std::string& name);

class BitFitTuning : public TuningMethod {
 public:
  explicit BitFitTuning(SpecReader spec);

  void attach(OfaModel model) override;
  TensorMap trainable_tensors() override;  // the selected model biases under their model names

 private:
  bool all_biases_;
  TensorMap biases_;
};

}  // namespace ofapt
