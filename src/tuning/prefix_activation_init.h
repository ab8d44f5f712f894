// Prompts that start as the model's own keys and values of real inputs (Li & Liang 2021 found
// prefixes initialised from activations of real words train faster and more stably than random
// ones; OFA-PT initialises N(0, 0.02)). The prompt rows of a stack are P positions drawn at random
// from the non-padding positions of a training batch (image patches and text tokens alike); at each
// prompted layer a row's key and value are that layer's k_proj and v_proj of the position's input,
// exactly what the position would contribute if it were in the sequence.
#pragma once

#include <torch/torch.h>

#include <string>

#include "model/ofa_model.h"

namespace ofapt {

// The table [P, 2·L·d] (layout of prompt_encoder.h) for layers first..last of `stack` ("encoder" or
// "decoder"), from one teacher-forced pass of the model without prompts over `input` and
// `prev_output` (decoder inputs, pad = the model's pad id). Uses torch's global generator.
torch::Tensor activation_prompt_table(OfaModel& model, const EncoderInput& input, const torch::Tensor& prev_output,
                                      const std::string& stack, int64_t length, int64_t first_layer,
                                      int64_t last_layer);

}  // namespace ofapt
