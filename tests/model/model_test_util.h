// Small builders shared by the model tests.
#pragma once

#include <torch/torch.h>

#include "model/ofa_model.h"

namespace ofapt::testing {

// A tiny random model (d 32, 2+2 layers, resnet18 stem, vocab 300) in eval mode; `entangle` adds the
// absolute positions to its embeddings too, `decoder_entangle` (default: the same) to the decoder's.
inline OfaModel make_small_model(uint64_t seed = 7, bool entangle = false, int decoder_entangle = -1) {
  OfaConfig config = OfaConfig::preset("micro");
  config.entangle_position_embedding = entangle;
  config.decoder_entangle_position_embedding = decoder_entangle < 0 ? entangle : decoder_entangle == 1;
  config.d_model = 32;
  config.encoder_ffn_dim = config.decoder_ffn_dim = 64;
  config.resnet_type = "resnet18";
  config.vocab_size = 300;
  torch::manual_seed(seed);
  OfaModel model(config);
  model->initialize_weights(seed);
  // Random rel-pos tables and gains, so no part of the model is a no-op in the checks.
  torch::NoGradGuard no_grad;
  for (auto& entry : model->named_parameters()) {
    if (entry.key().find("rel_pos_table") != std::string::npos || entry.key().find("c_attn") != std::string::npos) {
      entry.value().uniform_(0.5, 1.5);
    }
  }
  model->eval();
  return model;
}

inline EncoderInput make_input(const std::vector<std::vector<int64_t>>& sources, int64_t image_size, uint64_t seed) {
  EncoderInput input;
  size_t longest = 0;
  for (const auto& s : sources) longest = std::max(longest, s.size());
  input.tokens = torch::full({static_cast<int64_t>(sources.size()), static_cast<int64_t>(longest)}, 1, torch::kLong);
  for (size_t i = 0; i < sources.size(); ++i) {
    for (size_t j = 0; j < sources[i].size(); ++j) input.tokens[i][j] = sources[i][j];
  }
  torch::manual_seed(seed);
  input.images = torch::rand({static_cast<int64_t>(sources.size()), 3, image_size, image_size}) * 2 - 1;
  return input;
}

}  // namespace ofapt::testing
