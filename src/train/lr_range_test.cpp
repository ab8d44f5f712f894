#include "train/lr_range_test.h"

#include <filesystem>
#include <limits>

#include "util/error.h"
#include "util/file.h"
#include "util/jsonl_log.h"

namespace ofapt {

LrRangeResult find_learning_rate(TuningMethod& method, const Dataset& train, const TrainerOptions& training,
                                 const LrRangeOptions& options) {
  OFAPT_CHECK(!training.data_parallel || !training.data_parallel->distributed(), ErrorKind::kUsage,
              "the learning-rate range test runs in one process: find the rate first, then pass it with --lr");
  OFAPT_CHECK(options.min_lr > 0 && options.max_lr > options.min_lr && options.steps >= 2, ErrorKind::kUsage,
              "learning-rate range: need 0 < min < max and at least 2 steps");
  // The tensors as they are now, to put back after the probe.
  std::vector<std::pair<torch::Tensor, torch::Tensor>> saved;
  for (auto& [name, tensor] : method.trainable_tensors()) saved.emplace_back(tensor, tensor.detach().clone());

  TrainerOptions probe = training;
  probe.output_dir = join_path(training.output_dir, "lr_range_test");
  std::filesystem::remove_all(probe.output_dir);
  probe.max_steps = options.steps;
  probe.learning_rate = options.min_lr;
  probe.lr_range_end = options.max_lr;
  probe.warmup_steps = 0;
  probe.valid_every = 0;
  probe.save_every = 0;
  probe.log_every = 1;
  probe.early_stop_patience = 0;
  probe.quiet = true;
  const TrainSummary summary = train_method(method, train, nullptr, nullptr, probe);

  {
    torch::NoGradGuard no_grad;
    for (auto& [tensor, copy] : saved) tensor.copy_(copy);
  }
  LrRangeResult result;
  result.seconds = summary.seconds;
  result.curve = nlohmann::json::array();
  double average = 0.0, lowest = std::numeric_limits<double>::infinity();
  int64_t n = 0;
  const auto skipped = static_cast<int64_t>(options.skip_start * static_cast<double>(options.steps));
  for (const auto& record : read_jsonl(join_path(probe.output_dir, "train_log.jsonl"))) {
    if (record["event"] == "skip") break;  // non-finite: the rate is past any use
    if (record["event"] != "train") continue;
    const double loss = record["loss"].get<double>(), lr = record["lr"].get<double>();
    if (!std::isfinite(loss)) break;
    average = options.smoothing * average + (1 - options.smoothing) * loss;
    const double smoothed = average / (1 - std::pow(options.smoothing, static_cast<double>(++n)));
    result.curve.push_back({lr, loss, smoothed});
    if (n > skipped && smoothed < lowest) {
      lowest = smoothed;
      result.lowest_loss_lr = lr;
    }
    if (n > skipped + 1 && smoothed > options.divergence * lowest) break;
  }
  OFAPT_CHECK(result.lowest_loss_lr > 0, ErrorKind::kInput, "learning-rate range test: no finite loss in ",
              options.steps, " updates from ", options.min_lr);
  result.learning_rate = result.lowest_loss_lr / 10;
  write_file_atomic(join_path(probe.output_dir, "lr_range.json"),
                    nlohmann::json{{"pick", result.learning_rate},
                                   {"lowest_loss_lr", result.lowest_loss_lr},
                                   {"min_lr", options.min_lr},
                                   {"max_lr", options.max_lr},
                                   {"steps", options.steps},
                                   {"curve", result.curve}}
                            .dump(1) + "\n");
  return result;
}

}  // namespace ofapt
