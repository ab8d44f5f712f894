// Many prompts served from one frozen model: each tuned task's prompts folded into per-layer keys
// and values (ServedPrompt), and the per-batch gather that lets each row of a batch attend to its own
// task's prompt. Prompts of different lengths (and layer ranges) mix in one batch: shorter ones are
// zero-padded and their padding columns get -inf bias (PrefixKV::padding_bias), which gives each row
// exactly the result it has alone.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/ofa_model.h"
#include "tuning/prefix_tuning.h"

namespace ofapt {

// One tuned task's prompts, ready to serve (immutable once built; shared between batches).
struct ServedPrompt {
  struct Layer {
    torch::Tensor key, value;  // [H, P, hd]; undefined when the layer has no prompt
    torch::Tensor gate;        // [H] tanh(g) of a gated prompt (gate=zero); undefined: joint softmax
  };
  std::vector<Layer> encoder, decoder;  // one entry per layer of the model's stacks

  static ServedPrompt from_method(PrefixTuning& method, const OfaConfig& config);
  int64_t bytes() const;  // memory its tensors hold
};

// Prompt K/V for a batch whose row r uses prompts[r] (nullptr: no prompt, the bare model). All
// non-null prompts must come from models of the same layer counts.
PromptKV gather_prompts(const std::vector<const ServedPrompt*>& prompts);

// A fixed set of named prompts (tests, benchmarks, offline batch prediction).
class PromptBank {
 public:
  explicit PromptBank(const OfaConfig& config) : config_(config) {}

  // Adds a prompt-tuning method's (folded) prompts under `name`; returns its index.
  int64_t add(const std::string& name, PrefixTuning& method);
  int64_t size() const { return static_cast<int64_t>(names_.size()); }
  int64_t index_of(const std::string& name) const;  // -1 when absent
  const std::string& name(int64_t index) const { return names_.at(index); }

  // Prompt K/V for a batch whose row r uses prompt rows[r] (-1: no prompt, the bare model).
  PromptKV gather(const std::vector<int64_t>& rows) const;

 private:
  OfaConfig config_;
  std::vector<std::string> names_;
  std::vector<ServedPrompt> prompts_;
};

}  // namespace ofapt
