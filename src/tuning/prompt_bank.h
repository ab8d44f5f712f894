// Many prompts served from one frozen model: a bank of loaded prompt tables, and per-batch gathering
// so that each row of a batch attends to its own task's prompt. Prompts of different lengths (and
// layer ranges) mix in one batch: shorter ones are zero-padded and their padding columns get -inf
// bias (PrefixKV::padding_bias), which gives each row exactly the result it has alone.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/ofa_model.h"
#include "tuning/prefix_tuning.h"

namespace ofapt {

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
  // One prompt's keys/values for one layer, [H, P, hd] each; undefined when the layer has none.
  struct LayerPrompt {
    torch::Tensor key, value;
  };
  std::vector<PrefixKV> gather_stack(const std::vector<std::vector<LayerPrompt>>& stack,
                                     const std::vector<int64_t>& rows) const;

  OfaConfig config_;
  std::vector<std::string> names_;
  std::vector<std::vector<LayerPrompt>> encoder_, decoder_;  // [prompt][layer]
};

}  // namespace ofapt
