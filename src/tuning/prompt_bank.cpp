#include "tuning/prompt_bank.h"

#include <limits>

#include "util/error.h"

namespace ofapt {

int64_t PromptBank::add(const std::string& name, PrefixTuning& method) {
  OFAPT_CHECK(index_of(name) < 0, ErrorKind::kUsage, "prompt bank already holds a prompt named '", name, "'");
  torch::NoGradGuard no_grad;
  auto layers_of = [&](const std::string& stack, int64_t stack_layers) {
    std::vector<LayerPrompt> layers(stack_layers);
    auto table = method.table(stack);
    if (!table.defined()) return layers;
    const auto& options = method.stack_options(stack);
    auto prefixes = split_prompt_table(table.detach().unsqueeze(0), options.last_layer - options.first_layer + 1,
                                       method.heads(stack), 0.0, false);
    for (size_t i = 0; i < prefixes.size(); ++i) {
      layers[options.first_layer + i] = {prefixes[i].key[0].contiguous(), prefixes[i].value[0].contiguous()};
    }
    return layers;
  };
  encoder_.push_back(layers_of("encoder", config_.encoder_layers));
  decoder_.push_back(layers_of("decoder", config_.decoder_layers));
  names_.push_back(name);
  return size() - 1;
}

int64_t PromptBank::index_of(const std::string& name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int64_t>(i);
  }
  return -1;
}

std::vector<PrefixKV> PromptBank::gather_stack(const std::vector<std::vector<LayerPrompt>>& stack,
                                               const std::vector<int64_t>& rows) const {
  if (stack.empty()) return {};
  const int64_t layers = static_cast<int64_t>(stack.front().size());
  std::vector<PrefixKV> out(layers);
  bool any = false;
  for (int64_t layer = 0; layer < layers; ++layer) {
    // The longest prompt of this layer among the batch's rows sets the padded length.
    int64_t longest = 0;
    torch::Tensor sample;
    for (const int64_t row : rows) {
      if (row < 0) continue;
      const auto& prompt = stack[row][layer];
      if (!prompt.key.defined()) continue;
      longest = std::max(longest, prompt.key.size(1));
      sample = prompt.key;
    }
    if (longest == 0) continue;
    any = true;
    std::vector<torch::Tensor> keys, values;
    std::vector<int64_t> lengths;
    for (const int64_t row : rows) {
      const LayerPrompt* prompt = row >= 0 ? &stack[row][layer] : nullptr;
      if (prompt == nullptr || !prompt->key.defined()) {
        keys.push_back(torch::zeros({sample.size(0), longest, sample.size(2)}, sample.options()));
        values.push_back(keys.back());
        lengths.push_back(0);
        continue;
      }
      const int64_t pad = longest - prompt->key.size(1);
      keys.push_back(pad == 0 ? prompt->key : torch::constant_pad_nd(prompt->key, {0, 0, 0, pad}, 0.0));
      values.push_back(pad == 0 ? prompt->value : torch::constant_pad_nd(prompt->value, {0, 0, 0, pad}, 0.0));
      lengths.push_back(prompt->key.size(1));
    }
    PrefixKV prefix{torch::stack(keys), torch::stack(values), {}};
    bool padded = false;
    for (const int64_t length : lengths) padded = padded || length < longest;
    if (padded) {
      // -inf on each row's unused columns: [B, 1, 1, P]
      auto columns = torch::arange(longest, sample.options().dtype(torch::kLong)).unsqueeze(0);
      auto used = torch::tensor(lengths, columns.options()).unsqueeze(1);
      auto bias = torch::zeros({static_cast<int64_t>(rows.size()), longest}, sample.options());
      bias.masked_fill_(columns >= used, -std::numeric_limits<float>::infinity());
      prefix.padding_bias = bias.view({static_cast<int64_t>(rows.size()), 1, 1, longest});
    }
    out[layer] = prefix;
  }
  return any ? out : std::vector<PrefixKV>{};
}

PromptKV PromptBank::gather(const std::vector<int64_t>& rows) const {
  for (const int64_t row : rows) {
    OFAPT_CHECK(row >= -1 && row < size(), ErrorKind::kUsage, "prompt index ", row, " is not in the bank (size ",
                size(), ")");
  }
  return {gather_stack(encoder_, rows), gather_stack(decoder_, rows)};
}

}  // namespace ofapt
