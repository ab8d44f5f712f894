// The HF-style config.json of a fairseq OFA checkpoint, built from its saved arguments.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "checkpoint/tensor_map.h"

namespace ofapt {

// Maps fairseq model arguments (FairseqCheckpoint::model_args: the legacy args Namespace or
// cfg["model"]) to a config.json object in the authors' Hugging Face port's names
// (model/ofa_config.h reads it). `arch` (ofa_tiny, ofa_medium, ofa_base, ofa_large, ofa_huge, or
// ofa = large) supplies the ofa-spec section 1 defaults; explicit fields override them:
//   encoder_embed_dim -> d_model, encoder/decoder_ffn_embed_dim -> *_ffn_dim, *_layers,
//   *_attention_heads, resnet_type, token/image_bucket_size, attn_scale_factor, code_image_size,
//   scale_attn + scale_fc + scale_heads -> normformer, dropouts, drop-path rates,
//   no_scale_embedding -> scale_embedding, max_source_positions -> max_position_embeddings.
// vocab_size is the row count of the shared embedding in `model`. encoder_prompt* and
// decoder_prompt* fields are kept verbatim under "ofapt_prompt". Throws Error(kSchema) naming
// `source` for an unknown arch, a field of the wrong type, differing encoder/decoder widths, mixed
// NormFormer flags, or arguments that contradict the tensors (width, NormFormer layers).
nlohmann::json hf_config_from_fairseq_args(const nlohmann::json& args, const TensorMap& model,
                                           const std::string& source = "fairseq args");

}  // namespace ofapt
