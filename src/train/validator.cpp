#include "train/validator.h"

#include "train/label_smoothed_loss.h"
#include "util/error.h"

namespace ofapt {

ValidationResult SequenceValidator::validate(TuningMethod& method, const Dataset& data, const torch::Device& device) {
  OFAPT_CHECK(options_.metric == "exact_match" || options_.metric == "loss", ErrorKind::kUsage,
              "validation metric '", options_.metric, "' is not exact_match or loss");
  torch::NoGradGuard no_grad;
  auto& model = method.model();
  const auto& config = model->config();
  CollateOptions collate_options{config.pad_token_id, config.bos_token_id, config.vocab_size, 0};
  double nll = 0.0;
  int64_t tokens = 0, exact = 0;
  for (const auto& indices : consecutive_batches(data.size(), options_.batch_size)) {
    std::vector<Example> examples;
    for (const int64_t index : indices) examples.push_back(data.get(index));
    const Batch batch = collate(examples, indices, collate_options).to(device);
    const PromptKV prompt = method.prompt(batch.size());
    auto logits = model->forward(batch.input, batch.prev_output, prompt);
    LabelSmoothingOptions plain;
    plain.epsilon = 0.0;
    plain.pad = config.pad_token_id;
    const auto sums = label_smoothed_cross_entropy(logits, batch.target, {}, {}, plain);
    nll += sums.nll.item<double>();
    tokens += sums.tokens;
    if (options_.metric == "exact_match") {
      const auto hypotheses = generate(model, batch.input, options_.generation, prompt);
      for (int64_t r = 0; r < batch.size(); ++r) {
        std::vector<int64_t> generated(hypotheses[r][0].tokens.begin() + 1, hypotheses[r][0].tokens.end());
        exact += generated == examples[r].target;
      }
    }
  }
  const double loss = tokens > 0 ? nll / static_cast<double>(tokens) : 0.0;
  ValidationResult result;
  result.details = {{"loss", loss}, {"tokens", tokens}, {"examples", data.size()}};
  if (options_.metric == "loss") {
    result.metric = "loss";
    result.value = loss;
    result.higher_is_better = false;
  } else {
    result.metric = "exact_match";
    result.value = static_cast<double>(exact) / static_cast<double>(std::max<int64_t>(1, data.size()));
    result.details["exact"] = exact;
  }
  return result;
}

}  // namespace ofapt
