// Model FLOPs of one OFA training sample, counted analytically from the shapes (2 FLOPs per
// multiply-add), for model-FLOPs utilisation (MFU) as PaLM defines it: the FLOPs the method needs,
// divided by the time, over the device's peak. Counted: the transformer's matmuls (projections,
// FFN, attention scores and values, prefix columns) and the output projection over the vocabulary;
// not counted: the ResNet stem (frozen and cached by every method but finetuning), norms, softmax.
//   forward   as above
//   backward  frozen-weight methods need only activation gradients (1x forward);
//             full finetuning also weight gradients (2x forward)
#pragma once

#include <cstdint>

#include "model/ofa_config.h"

namespace ofapt::bench {

struct SampleShape {
  int64_t patches = 0;        // image patches: (image_size / 16)^2 after ResNet stages 1-3
  int64_t source_tokens = 0;
  int64_t target_tokens = 0;
  int64_t encoder_prefix = 0;  // prompt keys per encoder layer (0 without prompt tuning)
  int64_t decoder_prefix = 0;
};

inline double forward_flops(const OfaConfig& c, const SampleShape& s) {
  const double d = c.d_model;
  const double le = s.patches + s.source_tokens, ld = s.target_tokens;
  const double encoder_layer = 2 * le * (4 * d * d + 2 * d * c.encoder_ffn_dim)  // q, k, v, o + FFN
                               + 4 * le * (le + s.encoder_prefix) * d;            // scores + values
  const double decoder_layer = 2 * ld * (4 * d * d + 2 * d * c.decoder_ffn_dim)  // self-attention + FFN
                               + 4 * ld * (ld + s.decoder_prefix) * d           //
                               + 2 * ld * 2 * d * d + 2 * le * 2 * d * d         // cross q, o; cross k, v
                               + 4 * ld * le * d;                                // cross scores + values
  const double output = 2 * ld * d * c.vocab_size;
  return c.encoder_layers * encoder_layer + c.decoder_layers * decoder_layer + output;
}

// Forward + backward FLOPs of one sample.
inline double training_flops(const OfaConfig& c, const SampleShape& s, bool weight_gradients) {
  return forward_flops(c, s) * (weight_gradients ? 3.0 : 2.0);
}

}  // namespace ofapt::bench
