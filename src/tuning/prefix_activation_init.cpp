#include "tuning/prefix_activation_init.h"

#include "model/layer_hooks.h"
#include "model/transformer_layer.h"
#include "util/error.h"

namespace ofapt {

torch::Tensor activation_prompt_table(OfaModel& model, const EncoderInput& input, const torch::Tensor& prev_output,
                                      const std::string& stack, int64_t length, int64_t first_layer,
                                      int64_t last_layer) {
  torch::NoGradGuard no_grad;
  const bool was_training = model->is_training();
  model->eval();
  auto modules = model->named_modules();
  auto layer_of = [&](int64_t i) {
    auto* found = modules.find(stack + ".layers." + std::to_string(i));
    auto* layer = found != nullptr ? dynamic_cast<LayerBase*>(found->get()) : nullptr;
    OFAPT_CHECK(layer != nullptr, ErrorKind::kInternal, "model has no layer ", stack, ".layers.", i);
    return layer;
  };
  std::vector<std::shared_ptr<LinearInputRecorder>> recorders;
  for (int64_t i = first_layer; i <= last_layer; ++i) {
    recorders.push_back(std::make_shared<LinearInputRecorder>());
    layer_of(i)->attach_delta("self_attn.k_proj", recorders.back());
  }
  // Non-padding positions: the encoder's own mask, or the decoder inputs that are not pad.
  torch::Tensor used;
  if (stack == "encoder") {
    used = ~model->encode(input).padding_mask;
  } else {
    model->forward(input, prev_output);
    used = prev_output != model->config().pad_token_id;
  }
  for (int64_t i = first_layer; i <= last_layer; ++i) layer_of(i)->attach_delta("self_attn.k_proj", nullptr);
  if (was_training) model->train();

  const auto positions = used.reshape({-1}).nonzero().reshape({-1});
  OFAPT_CHECK(positions.numel() > 0, ErrorKind::kInput, "prompt init=activations: the batch has no ", stack,
              " positions");
  // P positions at random (with repeats only when the batch has fewer than P).
  const auto pick = positions.numel() >= length
                        ? positions.index_select(0, torch::randperm(positions.numel(), torch::kLong).narrow(0, 0, length)
                                                        .to(positions.device()))
                        : positions.index_select(0, torch::randint(positions.numel(), {length}, torch::kLong)
                                                        .to(positions.device()));
  std::vector<torch::Tensor> columns;
  for (size_t l = 0; l < recorders.size(); ++l) {
    const auto& seen = recorders[l]->seen;  // [B, T, d], the normalised input of self-attention
    const auto rows = seen.reshape({-1, seen.size(-1)}).index_select(0, pick);
    const std::string prefix = stack + ".layers." + std::to_string(first_layer + static_cast<int64_t>(l)) + ".self_attn.";
    auto* k_proj = modules.find(prefix + "k_proj");
    auto* v_proj = modules.find(prefix + "v_proj");
    OFAPT_CHECK(k_proj != nullptr && v_proj != nullptr, ErrorKind::kInternal, "model has no ", prefix, "k_proj/v_proj");
    columns.push_back(dynamic_cast<torch::nn::LinearImpl&>(**k_proj).forward(rows));
    columns.push_back(dynamic_cast<torch::nn::LinearImpl&>(**v_proj).forward(rows));
  }
  return torch::cat(columns, 1).to(torch::kFloat);  // [P, 2·L·d]: layer0-K | layer0-V | layer1-K | ...
}

}  // namespace ofapt
