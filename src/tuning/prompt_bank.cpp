#include "tuning/prompt_bank.h"

#include <algorithm>
#include <limits>

#include "util/error.h"

namespace ofapt {
namespace {

using LayerPicker = const std::vector<ServedPrompt::Layer>& (*)(const ServedPrompt&);

// Gated prompts (gate=zero) bring their per-head gates; a batch that also holds plain prompts or rows
// without one marks which rows are gated, and the others keep the joint softmax (attention.h).
template <typename LayerOf>
void add_gates(const std::vector<const ServedPrompt*>& prompts, const LayerOf& layer_of, const torch::Tensor& sample,
               PrefixKV& prefix) {
  torch::Tensor heads_like;
  for (const auto* prompt : prompts) {
    const auto* used = layer_of(prompt);
    if (used != nullptr && used->gate.defined()) heads_like = used->gate;
  }
  if (!heads_like.defined()) return;
  std::vector<torch::Tensor> gates;
  std::vector<int64_t> gated;  // 1 for a row with a gated prompt
  for (const auto* prompt : prompts) {
    const auto* used = layer_of(prompt);
    const bool is_gated = used != nullptr && used->gate.defined();
    gates.push_back(is_gated ? used->gate : torch::zeros_like(heads_like));
    gated.push_back(is_gated ? 1 : 0);
  }
  const auto rows = static_cast<int64_t>(prompts.size());
  prefix.gate = torch::stack(gates).to(sample.dtype()).view({rows, -1, 1, 1});
  if (std::find(gated.begin(), gated.end(), 0) != gated.end()) {
    prefix.gated_rows = torch::tensor(gated, torch::kLong).to(torch::kBool).to(sample.device());
  }
}

// One stack's PrefixKV per layer for the batch; empty when no row has a prompt in that stack.
std::vector<PrefixKV> gather_stack(const std::vector<const ServedPrompt*>& prompts, LayerPicker stack_of) {
  int64_t layers = 0;
  for (const auto* prompt : prompts) {
    if (prompt != nullptr) layers = std::max<int64_t>(layers, static_cast<int64_t>(stack_of(*prompt).size()));
  }
  std::vector<PrefixKV> out(layers);
  bool any = false;
  const auto rows = static_cast<int64_t>(prompts.size());
  for (int64_t layer = 0; layer < layers; ++layer) {
    auto layer_of = [&](const ServedPrompt* prompt) -> const ServedPrompt::Layer* {
      if (prompt == nullptr) return nullptr;
      const auto& stack = stack_of(*prompt);
      OFAPT_CHECK(static_cast<int64_t>(stack.size()) == layers, ErrorKind::kInternal,
                  "prompts of models with different layer counts in one batch");
      return stack[layer].key.defined() ? &stack[layer] : nullptr;
    };
    // The longest prompt of this layer among the batch's rows sets the padded length.
    int64_t longest = 0;
    torch::Tensor sample;
    for (const auto* prompt : prompts) {
      if (const auto* used = layer_of(prompt)) {
        longest = std::max(longest, used->key.size(1));
        sample = used->key;
      }
    }
    if (longest == 0) continue;
    any = true;
    std::vector<torch::Tensor> keys, values;
    std::vector<int64_t> lengths;
    for (const auto* prompt : prompts) {
      const auto* used = layer_of(prompt);
      if (used == nullptr) {
        keys.push_back(torch::zeros({sample.size(0), longest, sample.size(2)}, sample.options()));
        values.push_back(keys.back());
        lengths.push_back(0);
        continue;
      }
      const int64_t pad = longest - used->key.size(1);
      keys.push_back(pad == 0 ? used->key : torch::constant_pad_nd(used->key, {0, 0, 0, pad}, 0.0));
      values.push_back(pad == 0 ? used->value : torch::constant_pad_nd(used->value, {0, 0, 0, pad}, 0.0));
      lengths.push_back(used->key.size(1));
    }
    PrefixKV prefix;
    prefix.key = torch::stack(keys);
    prefix.value = torch::stack(values);
    bool padded = false;
    for (const int64_t length : lengths) padded = padded || length < longest;
    if (padded) {
      // -inf on each row's unused columns: [B, 1, 1, P]
      auto columns = torch::arange(longest, sample.options().dtype(torch::kLong)).unsqueeze(0);
      auto used = torch::tensor(lengths, columns.options()).unsqueeze(1);
      auto bias = torch::zeros({rows, longest}, sample.options());
      bias.masked_fill_(columns >= used, -std::numeric_limits<float>::infinity());
      prefix.padding_bias = bias.view({rows, 1, 1, longest});
    }
    add_gates(prompts, layer_of, sample, prefix);
    out[layer] = prefix;
  }
  return any ? out : std::vector<PrefixKV>{};
}

const std::vector<ServedPrompt::Layer>& encoder_layers(const ServedPrompt& prompt) { return prompt.encoder; }
const std::vector<ServedPrompt::Layer>& decoder_layers(const ServedPrompt& prompt) { return prompt.decoder; }

}  // namespace

ServedPrompt ServedPrompt::from_method(PrefixTuning& method, const OfaConfig& config) {
  torch::NoGradGuard no_grad;
  auto layers_of = [&](const std::string& stack, int64_t stack_layers) {
    std::vector<Layer> layers(stack_layers);
    auto table = method.table(stack);
    if (!table.defined()) return layers;
    const auto& options = method.stack_options(stack);
    auto prefixes = split_prompt_table(table.detach().unsqueeze(0), options.last_layer - options.first_layer + 1,
                                       method.heads(stack), 0.0, false);
    auto gates = method.gate(stack);
    for (size_t i = 0; i < prefixes.size(); ++i) {
      auto gate = gates.defined() ? torch::tanh(gates[static_cast<int64_t>(i)].detach()).contiguous() : torch::Tensor();
      layers[options.first_layer + i] = {prefixes[i].key[0].contiguous(), prefixes[i].value[0].contiguous(), gate};
    }
    return layers;
  };
  return {layers_of("encoder", config.encoder_layers), layers_of("decoder", config.decoder_layers)};
}

int64_t ServedPrompt::bytes() const {
  int64_t total = 0;
  for (const auto* stack : {&encoder, &decoder}) {
    for (const auto& layer : *stack) {
      if (!layer.key.defined()) continue;
      total += static_cast<int64_t>(layer.key.nbytes() + layer.value.nbytes());
      if (layer.gate.defined()) total += static_cast<int64_t>(layer.gate.nbytes());
    }
  }
  return total;
}

PromptKV gather_prompts(const std::vector<const ServedPrompt*>& prompts) {
  return {gather_stack(prompts, encoder_layers), gather_stack(prompts, decoder_layers), {}};
}

int64_t PromptBank::add(const std::string& name, PrefixTuning& method) {
  OFAPT_CHECK(index_of(name) < 0, ErrorKind::kUsage, "prompt bank already holds a prompt named '", name, "'");
  prompts_.push_back(ServedPrompt::from_method(method, config_));
  names_.push_back(name);
  return size() - 1;
}

int64_t PromptBank::index_of(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int64_t>(i);
  }
  return -1;
}

PromptKV PromptBank::gather(const std::vector<int64_t>& rows) const {
  std::vector<const ServedPrompt*> prompts;
  for (const int64_t row : rows) {
    OFAPT_CHECK(row >= -1 && row < size(), ErrorKind::kUsage, "prompt index ", row, " is not in the bank (size ",
                size(), ")");
    prompts.push_back(row < 0 ? nullptr : &prompts_[row]);
  }
  return gather_prompts(prompts);
}

}  // namespace ofapt
