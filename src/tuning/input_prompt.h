// Input-level soft prompts (Lester et al., "The Power of Scale for Parameter-Efficient Prompt
// Tuning", 2021): n trained vectors among the encoder's text token embeddings, the model frozen.
// Unlike prefix key/values, which carry no position and so are the same wherever their columns
// sit (docs/tuning.md), these take text positions, so where they go matters.
//
// Spec: prompt:kind=input,length=20,position=prefix,init=vocab,init_std=0.02
//   length    n, the soft tokens
//   position  prefix (after bos) | middle (after the first half of each row's text) | end (before eos)
//   init      vocab: the embeddings of n random vocabulary words (Lester's best) | random: N(0, init_std)
// File tensor: encoder.input_prompt.weight [n, d].
#pragma once

#include "tuning/tuning_method.h"
#include "tuning/tuning_spec.h"

namespace ofapt {

class InputPromptTuning : public TuningMethod {
 public:
  InputPromptTuning(SpecReader spec, const OfaConfig& config);

  void attach(OfaModel model) override;
  PromptKV prompt(int64_t batch_size) override;
  TensorMap trainable_tensors() override;

 private:
  SoftPromptPosition position_;
  bool init_from_vocab_;
  torch::Tensor embeddings_;  // [n, d]
};

}  // namespace ofapt
