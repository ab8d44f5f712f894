#include "train/label_smoothed_loss.h"

#include <limits>

namespace ofapt {

LossSums label_smoothed_cross_entropy(const torch::Tensor& logits, const torch::Tensor& target,
                                      const torch::Tensor& weights, const torch::Tensor& allowed_mask,
                                      const LabelSmoothingOptions& options) {
  const int64_t vocab = logits.size(-1);
  // Only the positions that carry loss go through the [N, V] softmax.
  auto keep = target.ne(options.pad).reshape({-1});
  auto rows = keep.nonzero().squeeze(1);
  auto selected = logits.reshape({-1, vocab}).index_select(0, rows).to(torch::kFloat);
  auto labels = target.reshape({-1}).index_select(0, rows);

  torch::Tensor allowed;  // [N, V] bool or undefined (= every token)
  if (allowed_mask.defined()) {
    allowed = allowed_mask.reshape({-1, vocab}).index_select(0, rows);
  } else if (options.range_begin >= 0) {
    allowed = torch::zeros({vocab}, torch::TensorOptions().dtype(torch::kBool).device(logits.device()));
    allowed.narrow(0, 0, 4).fill_(true);
    allowed.narrow(0, options.range_begin, options.range_end - options.range_begin).fill_(true);
    allowed = allowed.unsqueeze(0).expand({selected.size(0), vocab});
  }
  if (allowed.defined()) selected = selected.masked_fill(~allowed, -std::numeric_limits<float>::infinity());
  auto lprobs = torch::log_softmax(selected, -1);

  auto nll = -lprobs.gather(1, labels.unsqueeze(1)).squeeze(1);  // [N]
  torch::Tensor smooth, allowed_count;
  if (allowed.defined()) {
    smooth = -lprobs.masked_fill(~allowed, 0.0).sum(-1);
    allowed_count = allowed.sum(-1).to(torch::kFloat);
  } else {
    smooth = -lprobs.sum(-1);
    allowed_count = torch::full({selected.size(0)}, static_cast<float>(vocab), lprobs.options());
  }
  auto eps_i = options.epsilon / (allowed_count - 1 + 1e-6);
  auto token_loss = (1.0 - options.epsilon - eps_i) * nll + eps_i * smooth;
  if (weights.defined()) {
    auto row_of_token = rows.div(target.size(1), "floor");
    auto token_weight = weights.to(token_loss.dtype()).index_select(0, row_of_token);
    token_loss = token_loss * token_weight;
    nll = nll * token_weight;
  }
  return {token_loss.sum(), nll.detach().sum(), selected.size(0)};
}

}  // namespace ofapt
