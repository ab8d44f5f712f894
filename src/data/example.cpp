#include "data/example.h"

#include "model/model_inputs.h"
#include "util/error.h"

namespace ofapt {

Batch Batch::with_each_tensor(const std::function<torch::Tensor(const torch::Tensor&)>& change) const {
  Batch out = *this;
  for (torch::Tensor* tensor : {&out.input.tokens, &out.input.images, &out.input.image_present,
                                &out.input.image_features, &out.prev_output, &out.target, &out.weights,
                                &out.allowed_mask}) {
    if (tensor->defined()) *tensor = change(*tensor);
  }
  return out;
}

Batch Batch::to(const torch::Device& device) const {
  return with_each_tensor([&](const torch::Tensor& tensor) { return tensor.to(device, /*non_blocking=*/true); });
}

Batch Batch::pinned() const {
  return with_each_tensor([](const torch::Tensor& tensor) { return tensor.pin_memory(); });
}

Batch collate(const std::vector<Example>& examples, const std::vector<int64_t>& indices,
              const CollateOptions& options) {
  OFAPT_CHECK(!examples.empty() && examples.size() == indices.size(), ErrorKind::kInternal,
              "collate needs one index per example");
  const auto rows = static_cast<int64_t>(examples.size());
  Batch batch;
  batch.indices = indices;
  std::vector<std::vector<int64_t>> sources, prev_outputs, targets;
  std::vector<float> weights;
  bool any_image = false, any_allowed = false;
  torch::Tensor image_like;
  for (const Example& example : examples) {
    OFAPT_CHECK(!example.target.empty(), ErrorKind::kInput, "example ", example.id, " has an empty target");
    sources.push_back(example.source);
    std::vector<int64_t> prev = example.prev_output;
    if (prev.empty()) {
      prev.push_back(options.bos);
      prev.insert(prev.end(), example.target.begin(), example.target.end() - 1);
    }
    OFAPT_CHECK(prev.size() == example.target.size(), ErrorKind::kInput, "example ", example.id,
                ": prev_output has ", prev.size(), " tokens, target ", example.target.size());
    std::vector<int64_t> target = example.target;
    for (int64_t i = 0; i < std::min<int64_t>(example.loss_start, target.size()); ++i) target[i] = options.pad;
    for (int64_t id : target) batch.ntokens += id != options.pad;
    prev_outputs.push_back(std::move(prev));
    targets.push_back(std::move(target));
    weights.push_back(example.weight);
    if (example.image.defined()) {
      any_image = true;
      image_like = example.image;
    }
    any_allowed = any_allowed || !example.allowed_tokens.empty();
  }
  batch.input.tokens = pad_sequences(sources, options.pad);
  batch.prev_output = pad_sequences(prev_outputs, options.pad);
  batch.target = pad_sequences(targets, options.pad);
  batch.weights = torch::tensor(weights, torch::kFloat);

  if (any_image) {
    // Rows without an image get zeros and image_present false, so their patches are padding.
    std::vector<torch::Tensor> images;
    std::vector<uint8_t> present;
    for (const Example& example : examples) {
      images.push_back(example.image.defined() ? example.image : torch::zeros_like(image_like));
      present.push_back(example.image.defined() ? 1 : 0);
    }
    batch.input.images = torch::stack(images);
    batch.input.image_present = torch::tensor(std::vector<int64_t>(present.begin(), present.end())).to(torch::kBool);
  }

  if (any_allowed) {
    OFAPT_CHECK(options.vocab_size > 0, ErrorKind::kInternal, "collate: allowed_tokens need vocab_size");
    const int64_t length = batch.target.size(1);
    batch.allowed_mask = torch::ones({rows, length, options.vocab_size}, torch::kBool);
    for (int64_t r = 0; r < rows; ++r) {
      const auto& allowed = examples[r].allowed_tokens;
      for (size_t position = 0; position < allowed.size() && static_cast<int64_t>(position) < length; ++position) {
        if (allowed[position].empty()) continue;
        auto row = batch.allowed_mask[r][position];
        row.fill_(false);
        row.index_fill_(0, torch::tensor(allowed[position], torch::kLong), true);
      }
    }
  }
  return batch;
}

}  // namespace ofapt
