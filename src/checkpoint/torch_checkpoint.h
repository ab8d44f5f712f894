// PyTorch checkpoints as tensor maps: a plain state dict (the HF port's pytorch_model.bin) or a
// fairseq checkpoint (OFA's released .pt files, ofa-spec section 8.1). Both are torch.save zip
// archives read through TorchArchive; nothing in them is executed.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "checkpoint/tensor_map.h"
#include "checkpoint/torch_archive.h"

namespace ofapt {

// The state dict of a torch.save file: its top-level dict (or OrderedDict) of name -> tensor, or,
// for a fairseq checkpoint, its "model" entry. Tied tensors come back as views of one buffer.
// Throws Error(kSchema) naming file and key for an entry that is not a tensor ("non-tensor
// payload"), and TorchArchive's errors for a damaged file.
TensorMap read_torch_state_dict(const std::string& path);

struct FairseqReadOptions {
  // Read the exponential-moving-average weights, extra_state["ema"] (saved with --store-ema; OFA's
  // VQA evaluation uses them), instead of "model". Default: the trained weights.
  bool use_ema = false;
};

struct FairseqCheckpoint {
  TensorMap model;            // the state dict under fairseq key names (key_names.h maps them)
  nlohmann::json model_args;  // the legacy "args" Namespace as JSON, else cfg["model"]; null if neither
};

// Reads a fairseq checkpoint: {"args": Namespace|None, "cfg": dict|None, "model": state dict,
// "extra_state": {...}, ...}. Other entries (optimizer state, metrics) are decoded inertly and
// their tensors never loaded. Throws Error(kSchema) when the file is not a fairseq checkpoint or
// options.use_ema is set and it holds no EMA weights.
FairseqCheckpoint read_fairseq_checkpoint(const std::string& path, const FairseqReadOptions& options = {});

// True when the archive's top-level dict has a "model" dict and an "args" or "cfg" entry.
bool is_fairseq_checkpoint(const TorchArchive& archive);
// The same for a file; reads the pickle only. Throws TorchArchive's errors for a file that is not
// a torch.save archive.
bool is_fairseq_checkpoint(const std::string& path);

}  // namespace ofapt
