#include "tuning/prompt_encoder.h"

namespace ofapt {

PromptEncoderImpl::PromptEncoderImpl(const PromptEncoderOptions& options) : options_(options) {
  const int64_t width = 2 * options.layers * options.embed_dim;
  const bool mlp = options.reparam == PromptReparam::kMlp;
  embedding_ = register_module("embedding", torch::nn::Embedding(options.length, mlp ? options.embed_dim : width));
  if (options.reparam != PromptReparam::kNone) {
    const int64_t in = mlp ? options.embed_dim : width;
    trans_ = register_module("trans", torch::nn::Sequential(torch::nn::Linear(in, options.mlp_hidden),
                                                            torch::nn::ReLU(),
                                                            torch::nn::Linear(options.mlp_hidden, width)));
  }
  if (options.reparam == PromptReparam::kResidual) {
    norm_ = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
  }
  // The reference initialises every Linear/Embedding as BERT does: N(0, 0.02), zero biases.
  torch::NoGradGuard no_grad;
  for (auto& parameter : named_parameters()) {
    if (parameter.key() == "norm.weight") {
      if (options.residual_starts_at_table) parameter.value().zero_();  // else the paper's unit gain
      continue;
    }
    if (parameter.key().find("bias") != std::string::npos) {
      parameter.value().zero_();
    } else {
      parameter.value().normal_(0.0, options.init_std);
    }
  }
}

torch::Tensor PromptEncoderImpl::table() {
  const torch::Tensor& e = embedding_->weight;
  switch (options_.reparam) {
    case PromptReparam::kNone: return e;
    case PromptReparam::kMlp: return trans_->forward(e);
    case PromptReparam::kResidual: return e + norm_->forward(trans_->forward(e));
  }
  return e;
}

torch::Tensor PromptEncoderImpl::embedding() { return embedding_->weight; }

std::vector<PrefixKV> split_prompt_table(const torch::Tensor& tables, int64_t layers, int64_t heads, double dropout,
                                         bool training) {
  const int64_t batch = tables.size(0), length = tables.size(1);
  const int64_t head_dim = tables.size(2) / (2 * layers * heads);
  auto kv = tables.view({batch, length, 2 * layers, heads, head_dim});
  kv = torch::dropout(kv, dropout, training).permute({2, 0, 3, 1, 4});  // [2L, B, H, P, hd]
  std::vector<PrefixKV> prefixes;
  prefixes.reserve(layers);
  for (int64_t i = 0; i < layers; ++i) {
    PrefixKV prefix;
    prefix.key = kv[2 * i];
    prefix.value = kv[2 * i + 1];
    prefixes.push_back(prefix);
  }
  return prefixes;
}

}  // namespace ofapt
