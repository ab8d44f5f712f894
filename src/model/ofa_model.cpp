#include "model/ofa_model.h"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

namespace ofapt {

OfaModelImpl::OfaModelImpl(const OfaConfig& config) : config_(config) {
  config.validate("model config");
  embed_tokens_ = torch::nn::Embedding(
      torch::nn::EmbeddingOptions(config.vocab_size, config.d_model).padding_idx(config.pad_token_id));
  encoder_ = register_module("encoder", OfaEncoder(config, embed_tokens_));
  decoder_ = register_module("decoder", OfaDecoder(config, embed_tokens_));
}

EncoderOutput OfaModelImpl::encode(const EncoderInput& input, const PromptKV& prompt) {
  return encoder_(input, prompt.encoder, prompt.input);
}

torch::Tensor OfaModelImpl::decode(const torch::Tensor& prev_tokens, const EncoderOutput& encoder_out,
                                   const PromptKV& prompt, DecoderState* state) {
  return decoder_(prev_tokens, encoder_out, prompt.decoder, state);
}

torch::Tensor OfaModelImpl::forward(const EncoderInput& input, const torch::Tensor& prev_tokens,
                                    const PromptKV& prompt) {
  return decode(prev_tokens, encode(input, prompt), prompt);
}

void OfaModelImpl::initialize_weights(uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto generator = at::detail::createCPUGenerator(seed);
  for (auto& module : modules(/*include_self=*/false)) {
    if (auto* linear = module->as<torch::nn::Linear>()) {
      linear->weight.copy_(at::normal(0.0, 0.02, linear->weight.sizes(), generator));
      if (linear->bias.defined()) linear->bias.zero_();
    } else if (auto* embedding = module->as<torch::nn::Embedding>()) {
      embedding->weight.copy_(at::normal(0.0, 0.02, embedding->weight.sizes(), generator));
      if (embedding->options.padding_idx()) embedding->weight[*embedding->options.padding_idx()].zero_();
    } else if (auto* conv = module->as<torch::nn::Conv2d>()) {
      // Kaiming normal (fan_out, ReLU), as torchvision initialises ResNets.
      const double fan_out = static_cast<double>(conv->weight.size(0) * conv->weight[0][0].numel());
      conv->weight.copy_(at::normal(0.0, std::sqrt(2.0 / fan_out), conv->weight.sizes(), generator));
    }
  }
}

}  // namespace ofapt
