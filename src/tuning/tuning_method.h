// A tuning method: what is trained on top of a frozen OFA model and how it attaches (DESIGN
// "How data flows"). The method owns its parameters; the base weights stay untouched except for
// the methods whose point is to change them (BitFit's biases, full finetuning).
#pragma once

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <string>

#include "checkpoint/tensor_map.h"
#include "model/ofa_model.h"

namespace ofapt {

class TuningMethod : public torch::nn::Module {
 public:
  // The canonical spec string, every option spelled out (tuning_spec.h).
  const std::string& spec() const { return spec_; }
  const std::string& method() const { return method_; }

  // Attaches to `model` once: freezes what the method does not train (requires_grad false),
  // installs hooks. The method keeps the model handle.
  virtual void attach(OfaModel model) = 0;

  // Prompt keys/values for a batch of `batch_size` rows (prefix tuning); empty for other methods.
  virtual PromptKV prompt(int64_t /*batch_size*/) { return {}; }

  // The trained tensors under their file names, live (the optimizer and training checkpoints use them).
  virtual TensorMap trainable_tensors() = 0;

  // What a tuned-task file holds, detached copies; export_spec() is the spec that loads it back
  // (an MLP-reparameterized prompt exports its folded table as reparam=none).
  virtual TensorMap export_tensors();
  virtual std::string export_spec() const { return spec_; }

  // Fills the method's tensors from a tuned-task file's (export_tensors() names and shapes; every
  // mismatch is reported naming `source`, and nothing is changed unless all fit).
  virtual void load_tensors(const TensorMap& tensors, const std::string& source);

  // Methods whose initial state comes from data (prompt init=activations): the trainer calls
  // initialize_from_data with its first batch when a run starts fresh (not when it resumes).
  virtual bool initializes_from_data() const { return false; }
  virtual void initialize_from_data(const EncoderInput& /*input*/, const torch::Tensor& /*prev_output*/) {}

  // Gradient norms of the method's parts after a backward, for the training log (prompt tuning: per
  // stack and per layer, so it shows where the signal goes); null = nothing beyond the total norm.
  virtual nlohmann::json gradient_norms() { return nullptr; }

  // Full finetuning trains the ResNet; every other method keeps it frozen in eval mode (fixed
  // BatchNorm statistics), which makes its output a pure function of the image and cacheable.
  virtual bool trains_image_backbone() const { return false; }

  // Train/eval for the method and the model, keeping a frozen ResNet in eval mode.
  void set_training(bool training);

  int64_t trainable_parameter_count();
  int64_t total_parameter_count();  // the model's plus the method's own
  OfaModel& model();

 protected:
  explicit TuningMethod(std::string method) : method_(std::move(method)) {}
  void set_spec(std::string spec) { spec_ = std::move(spec); }
  // Freezes every model parameter (the usual first step of attach()).
  void freeze_model();

  OfaModel model_{nullptr};

 private:
  std::string method_, spec_;
};

// "encoder.layers.<i>" modules of one stack as the LayerBase that carries the attachment points.
std::vector<LayerBase*> stack_layers(OfaModel& model, const std::string& stack);

}  // namespace ofapt
