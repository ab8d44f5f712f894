// Train-step benchmark: the real trainer loop (train_method) on a random-weight preset, CPU fp32.
// Reports the median/p90 update time after warm-up, samples/s, peak resident memory and the
// trainable share, for one method and feature-cache setting per process (so peak RSS is its own).
//   bench/train_step_bench --preset tiny --method prompt:length=64 --batch 8 --steps 12 --warmup 4
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "train/trainer.h"
#include "tuning/make_method.h"
#include "util/allocator.h"
#include "util/jsonl_log.h"
#include "util/threading.h"

namespace {

double rss_mib() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ofapt;
  std::string preset = "tiny", spec = "prompt:length=64";
  int64_t batch = 8, image_size = 256, source_len = 20, target_len = 10, steps = 12, warmup = 4;
  bool cache = true;
  std::string allocator = "reuse";
  CLI::App app{"ofapt train-step benchmark"};
  app.add_option("--preset", preset);
  app.add_option("--method", spec);
  app.add_option("--batch", batch);
  app.add_option("--image-size", image_size);
  app.add_option("--source-len", source_len);
  app.add_option("--target-len", target_len);
  app.add_option("--steps", steps, "Updates timed after the warm-up");
  app.add_option("--warmup", warmup, "Updates not timed (the first epoch fills the feature cache)");
  app.add_flag("--cache,!--no-cache", cache, "Cache frozen ResNet features");
  app.add_option("--allocator", allocator, "reuse (as ofapt pretrain/tune/eval run) or system (glibc defaults)")
      ->check(CLI::IsMember({"reuse", "system"}));
  CLI11_PARSE(app, argc, argv);
  if (allocator == "reuse") reexec_with_reusing_allocator(argv);
  configure_cpu_threads();

  const OfaConfig config = OfaConfig::preset(preset);
  torch::manual_seed(0);
  OfaModel model(config);
  model->initialize_weights(0);
  // One epoch = the warm-up, so the timed updates see every image again (cache hits when enabled).
  std::vector<Example> examples;
  for (int64_t i = 0; i < batch * warmup; ++i) {
    Example example;
    example.id = std::to_string(i);
    example.image = torch::rand({3, image_size, image_size}) * 2 - 1;
    example.source = std::vector<int64_t>(source_len, 100);
    example.source.front() = 0;
    example.source.back() = 2;
    example.target = std::vector<int64_t>(target_len, 200);
    example.target.back() = 2;
    examples.push_back(std::move(example));
  }
  ExampleList data("bench", std::move(examples));
  auto method = attach_method(spec, model);
  const double rss_before = rss_mib();

  char dir_template[] = "/tmp/ofapt_bench_XXXXXX";
  TrainerOptions options;
  options.output_dir = ::mkdtemp(dir_template);
  options.max_steps = warmup + steps;
  options.batch_size = batch;
  options.log_every = 1;
  options.save_every = 0;
  options.feature_cache = cache;
  options.quiet = true;
  train_method(*method, data, nullptr, nullptr, options);

  // Update times from the log's cumulative seconds.
  std::vector<double> times;
  double previous = 0.0;
  for (const auto& record : read_jsonl(options.output_dir + "/train_log.jsonl")) {
    if (record["event"] != "train") continue;
    const double now = record["seconds"].get<double>();
    if (record["step"].get<int64_t>() > warmup) times.push_back(now - previous);
    previous = now;
  }
  std::system(("rm -rf " + options.output_dir).c_str());
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const double p90 = times[std::min(times.size() - 1, times.size() * 9 / 10)];
  nlohmann::json result{{"preset", preset},
                        {"allocator", allocator},
                        {"method", method->spec()},
                        {"feature_cache", cache},
                        {"batch", batch},
                        {"image_size", image_size},
                        {"source_len", source_len},
                        {"target_len", target_len},
                        {"threads", at::get_num_threads()},
                        {"timed_updates", static_cast<int64_t>(times.size())},
                        {"median_ms_per_update", median * 1e3},
                        {"p90_ms_per_update", p90 * 1e3},
                        {"samples_per_s", batch / median},
                        {"trainable_parameters", method->trainable_parameter_count()},
                        {"total_parameters", method->total_parameter_count()},
                        {"rss_before_training_mib", rss_before},
                        {"peak_rss_mib", rss_mib()}};
  std::cout << result.dump() << "\n";
  return 0;
}
