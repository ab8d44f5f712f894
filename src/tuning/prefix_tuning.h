// Prompt (prefix) tuning, OFA-PT (ofa-spec 9): the whole model is frozen; per-layer key/value
// prompts enter the self-attention of the prompted layers of the encoder and/or decoder.
//
// Spec: prompt:length=64,depth=both,layers=all,reparam=none,hidden=2d,dropout=0.2,init_std=0.02
//   kind              prefix (this class, the default) | input: soft tokens in the encoder input
//                     (tuning/input_prompt.h)
//   length            P for both stacks; encoder_length / decoder_length override per stack
//   depth             encoder | decoder | both
//   layers            "all", "i" or "i-j" (inclusive): which layers of each prompted stack get prompts
//   reparam           none (plain table [P, 2·L·d]) | mlp (embedding [P,d] + MLP; folded at export) |
//                     residual (table + LayerNorm(MLP(table)), Residual Prompt Tuning; folded at export)
//   hidden            MLP width (default 2·d for mlp as the reference, d for residual)
//   dropout           dropout on the prompt K/V during training (reference 0.2)
//   init_std          N(0, std) initialisation (reference 0.02)
//   init              random (N(0, init_std), the reference) | activations: the model's own keys and
//                     values of a training batch (prefix_activation_init.h) | transfer: the tables of the
//                     source prompt in from=<tuned-task dir> (prompt transfer); not with reparam=mlp
//   from              init=transfer's source: a prompt of the same base model, length and layers
//   gate              none (the prompt joins each layer's softmax, the reference) | zero: the prompt is
//                     attended on its own and added through tanh(g), g per layer and head starting at 0,
//                     so training starts from exactly the frozen model (attention.h, PrefixKV)
#pragma once

#include "tuning/prompt_encoder.h"
#include "tuning/tuning_method.h"
#include "tuning/tuning_spec.h"

namespace ofapt {

struct PromptStackOptions {
  bool enabled = false;
  int64_t length = 64;
  int64_t first_layer = 0;  // prompted layers first..last (inclusive)
  int64_t last_layer = -1;
};

class PrefixTuning : public TuningMethod {
 public:
  // Reads its options from `spec` (the model config decides layer counts, width and heads).
  PrefixTuning(SpecReader spec, const OfaConfig& config);

  void attach(OfaModel model) override;
  PromptKV prompt(int64_t batch_size) override;
  TensorMap trainable_tensors() override;
  TensorMap export_tensors() override;
  std::string export_spec() const override { return export_spec_; }
  bool initializes_from_data() const override { return init_from_activations_; }
  void initialize_from_data(const EncoderInput& input, const torch::Tensor& prev_output) override;
  // {"encoder": {"total", "layers": [per prompted layer: K and V columns together]}, "decoder": ...},
  // the norms of d(loss)/d(table) whatever the reparameterization.
  nlohmann::json gradient_norms() override;

  // Folded per-stack tables [P, 2·L·d] (undefined for an unprompted stack), for the prompt bank.
  torch::Tensor table(const std::string& stack);
  // Per-stack gate logits g [L, H] (undefined without gate=zero or for an unprompted stack).
  torch::Tensor gate(const std::string& stack);
  const PromptStackOptions& stack_options(const std::string& stack) const;
  int64_t heads(const std::string& stack) const;

 private:
  std::vector<PrefixKV> stack_prompt(const std::string& stack, int64_t batch_size);
  void initialize_from_source_prompt();

  OfaConfig config_;
  PromptStackOptions encoder_, decoder_;
  double dropout_;
  bool init_from_activations_ = false;
  std::string transfer_from_;  // init=transfer: the source prompt's directory
  std::string export_spec_;
  PromptEncoder encoder_prompt_encoder_{nullptr}, decoder_prompt_encoder_{nullptr};
  torch::Tensor encoder_gate_, decoder_gate_;  // g [L, H]; defined only with gate=zero
  torch::Tensor encoder_table_, decoder_table_;  // the last tables handed out, kept for gradient_norms()
};

}  // namespace ofapt
