// Train-step benchmark: the real trainer loop (train_method) on a random-weight preset, on the CPU
// (fp32) or a GPU (bf16 autocast unless --fp32). Reports the median/p90 update time after warm-up,
// samples/s, peak memory (resident; and allocated on the GPU), the trainable share, and model-FLOPs
// utilisation: the transformer's FLOPs per update (bench/model_flops.h) over the time, against a
// measured matmul peak of the same device and dtype. One method and cache setting per process.
//   bench/train_step_bench --preset tiny --method prompt:length=64 --batch 8 --steps 12 --warmup 4
//   bench/train_step_bench --preset base --device cuda --batch 32 --image-size 480 --method finetune
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model_flops.h"
#include "train/trainer.h"
#include "tuning/make_method.h"
#include "util/reexec.h"
#include "util/jsonl_log.h"
#include "util/strings.h"
#include "util/torch_compat.h"
#include "util/threading.h"

namespace {

double rss_mib() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;
}

// The best FLOP/s of square matmuls on `device` in `dtype` (what "peak" means for MFU here).
double measured_matmul_peak(const torch::Device& device, torch::ScalarType dtype) {
  const int64_t n = device.is_cuda() ? 8192 : 1024;
  const int repeats = device.is_cuda() ? 20 : 4;
  auto a = torch::randn({n, n}, torch::TensorOptions(dtype).device(device));
  auto b = torch::randn({n, n}, torch::TensorOptions(dtype).device(device));
  auto sync = [&] {
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  double best = 0.0;
  for (int trial = 0; trial < 3; ++trial) {
    sync();
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i) a.mm(b);
    sync();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, 2.0 * n * n * n * repeats / seconds);
  }
  return best;
}

// Prompt keys per layer of each stack, read off a canonical prompt spec (0 for other methods).
std::pair<int64_t, int64_t> prefix_lengths(const std::string& spec) {
  if (spec.rfind("prompt:", 0) != 0) return {0, 0};
  int64_t length = 0, encoder = -1, decoder = -1;
  std::string depth = "both";
  for (const auto& item : ofapt::split_on(spec.substr(7), ",")) {
    const auto eq = item.find('=');
    const std::string key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "length") length = std::stoll(value);
    if (key == "encoder_length") encoder = std::stoll(value);
    if (key == "decoder_length") decoder = std::stoll(value);
    if (key == "depth") depth = value;
  }
  if (encoder < 0) encoder = length;
  if (decoder < 0) decoder = length;
  return {depth == "decoder" ? 0 : encoder, depth == "encoder" ? 0 : decoder};
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ofapt;
  std::string preset = "tiny", spec = "prompt:length=64";
  int64_t batch = 8, image_size = 256, source_len = 20, target_len = 10, steps = 12, warmup = 4;
  bool cache = true;
  std::string allocator = "reuse", device_name = "cpu";
  bool fp32 = false;
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
  app.add_option("--device", device_name, "cpu or cuda[:i]");
  app.add_flag("--fp32", fp32, "No bf16 autocast on CUDA");
  CLI11_PARSE(app, argc, argv);
  apply_startup_settings(argv, allocator == "reuse");
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
  const torch::Device device(device_name);
  model->to(device);
  auto method = attach_method(spec, model);
  const double rss_before = rss_mib();
  if (device.is_cuda()) tc::reset_cuda_peak_memory(device);

  char dir_template[] = "/tmp/ofapt_bench_XXXXXX";
  TrainerOptions options;
  options.output_dir = ::mkdtemp(dir_template);
  options.max_steps = warmup + steps;
  options.batch_size = batch;
  options.log_every = 1;
  options.save_every = 0;
  options.feature_cache = cache;
  options.quiet = true;
  options.device = device_name;
  options.bf16 = !fp32;
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

  bench::SampleShape shape;
  shape.patches = (image_size / 16) * (image_size / 16);
  shape.source_tokens = source_len;
  shape.target_tokens = target_len;
  std::tie(shape.encoder_prefix, shape.decoder_prefix) = prefix_lengths(method->spec());
  const bool weight_gradients = spec.rfind("finetune", 0) == 0;
  const double flops_per_update = batch * bench::training_flops(config, shape, weight_gradients);
  const bool bf16 = device.is_cuda() && !fp32;
  const double peak = measured_matmul_peak(device, bf16 ? torch::kBFloat16 : torch::kFloat32);
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
                        {"peak_rss_mib", rss_mib()},
                        {"device", device_name},
                        {"dtype", bf16 ? "bf16 autocast" : "fp32"},
                        {"transformer_tflops_per_update", flops_per_update / 1e12},
                        {"achieved_tflops", flops_per_update / median / 1e12},
                        {"matmul_peak_tflops", peak / 1e12},
                        {"mfu", flops_per_update / median / peak}};
  if (device.is_cuda()) result["peak_allocated_mib"] = tc::cuda_peak_allocated_bytes(device) / 1048576.0;
  std::cout << result.dump() << "\n";
  return 0;
}
