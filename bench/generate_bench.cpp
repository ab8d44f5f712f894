// Generation benchmark: beam search as captioning runs it (beam 5, no-repeat 3) on a random-weight
// preset, on the CPU or a GPU, bare or with a prompt-tuned method attached (the prefix K/V in every
// layer). Every hypothesis is held to exactly --max-len tokens, so random weights time the same
// work as a trained model's full-length captions. Reports ms per batch and generated tokens/s
// (best hypothesis per sample; the beam's other hypotheses are extra work, not extra output).
//   bench/generate_bench --preset base --device cuda --batch 16 --image-size 480 --method prompt:length=64
#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/generator.h"
#include "tuning/make_method.h"
#include "util/reexec.h"
#include "util/threading.h"
#include "util/torch_compat.h"

int main(int argc, char** argv) {
  using namespace ofapt;
  std::string preset = "tiny", device_name = "cpu", spec;
  int64_t batch = 4, image_size = 256, source_len = 20, max_len = 16, beam = 5, iterations = 3;
  bool fp32 = false;
  CLI::App app{"ofapt generation benchmark"};
  app.add_option("--preset", preset);
  app.add_option("--device", device_name, "cpu or cuda[:i]");
  app.add_option("--method", spec, "A tuning spec to attach (e.g. prompt:length=64); empty = the bare model");
  app.add_option("--batch", batch);
  app.add_option("--image-size", image_size);
  app.add_option("--source-len", source_len);
  app.add_option("--max-len", max_len, "Generated tokens per hypothesis (exactly)");
  app.add_option("--beam", beam);
  app.add_option("--iterations", iterations, "Timed batches after one warm-up");
  app.add_flag("--fp32", fp32, "No bf16 autocast on CUDA");
  CLI11_PARSE(app, argc, argv);
  apply_startup_settings(argv, /*reusing_allocator=*/false);
  configure_cpu_threads();

  const torch::Device device(device_name);
  const OfaConfig config = OfaConfig::preset(preset);
  torch::manual_seed(0);
  OfaModel model(config);
  model->initialize_weights(0);
  model->to(device);
  std::shared_ptr<TuningMethod> method;
  if (!spec.empty()) method = attach_method(spec, model);
  if (method) method->set_training(false);
  model->eval();
  EncoderInput input;
  input.tokens = torch::randint(4, 50000, {batch, source_len}).to(device);
  input.images = (torch::rand({batch, 3, image_size, image_size}) * 2 - 1).to(device);
  GenerationOptions options;
  options.beam_size = beam;
  options.min_length = options.max_length = max_len;
  options.no_repeat_ngram_size = 3;
  const bool bf16 = device.is_cuda() && !fp32;
  auto run_once = [&] {
    c10::InferenceMode inference;
    tc::AutocastGuard autocast(c10::DeviceType::CUDA, torch::kBFloat16, bf16);
    const PromptKV prompt = method ? method->prompt(batch) : PromptKV{};
    return generate(model, input, options, prompt);
  };
  auto sync = [&] {
    if (device.is_cuda()) torch::cuda::synchronize();
  };
  run_once();  // warm-up
  sync();
  const auto start = std::chrono::steady_clock::now();
  int64_t generated = 0;
  for (int64_t i = 0; i < iterations; ++i) {
    for (const auto& sample : run_once()) generated += static_cast<int64_t>(sample[0].tokens.size()) - 1;
  }
  sync();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  nlohmann::json result{{"preset", preset},
                        {"device", device_name},
                        {"dtype", bf16 ? "bf16 autocast" : "fp32"},
                        {"method", method ? method->spec() : "none"},
                        {"batch", batch},
                        {"beam", beam},
                        {"image_size", image_size},
                        {"source_len", source_len},
                        {"max_len", max_len},
                        {"threads", at::get_num_threads()},
                        {"ms_per_batch", seconds * 1e3 / iterations},
                        {"generated_tokens_per_s", generated / seconds}};
  std::cout << result.dump() << "\n";
  return 0;
}
