// Checkpoint key names: fairseq (OFA's training code) vs the authors' Hugging Face port, which
// ofapt's modules use (ofa-spec section 8.3), the buffers a model regenerates instead of loading,
// and the three names of the one shared token embedding.
#pragma once

#include <string>
#include <vector>

#include "checkpoint/tensor_map.h"

namespace ofapt {

// The canonical name of the shared [V, d] token embedding.
inline const char kSharedEmbeddingKey[] = "encoder.embed_tokens.weight";

// The HF name of a fairseq key, by whole dotted segments inside "{encoder,decoder}.layers.<i>.":
//   encoder attn_ln -> self_attn_mid_layer_norm      ffn_layernorm -> ffn_layer_norm
//   decoder self_attn_ln -> self_attn_mid_layer_norm  encoder_attn -> cross_attn
//   decoder encoder_attn_layer_norm -> cross_attn_layer_norm
//   decoder cross_attn_ln -> cross_attn_mid_layer_norm
// Any other key comes back unchanged, so applying it to an HF key is harmless.
std::string hf_key_from_fairseq(const std::string& key);

// Renames every key with hf_key_from_fairseq; tensors are shared, not copied.
// Throws Error(kSchema) naming `source` if two keys map to one name.
TensorMap hf_state_from_fairseq(const TensorMap& fairseq_state, const std::string& source);

// Keys of buffers a model computes from its config and never loads: *.token_rp_bucket,
// *.image_rp_bucket, decoder.image_position_idx (its length differs between fairseq and HF), and
// fairseq's encoder.version / decoder.version markers.
bool is_regenerated_key(const std::string& key);

// Model keys a file may lack: BatchNorm's num_batches_tracked (unused in eval, absent from some files).
bool is_optional_model_key(const std::string& key);

// Other names under which files store the shared embedding (same tensor as kSharedEmbeddingKey):
// decoder.embed_tokens.weight and decoder.output_projection.weight.
const std::vector<std::string>& shared_embedding_aliases();

}  // namespace ofapt
