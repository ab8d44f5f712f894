// Forward-pass benchmark: teacher-forced forward of a random-weight preset on CPU.
// Reports tokens/s (source + target tokens), images/s and peak resident memory.
//   bench/forward_bench --preset tiny --batch 4 --image-size 256 --source-len 20 --target-len 20 --iterations 5
#include <sys/resource.h>

#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/ofa_model.h"
#include "util/reexec.h"
#include "util/threading.h"

int main(int argc, char** argv) {
  using namespace ofapt;
  std::string preset = "tiny";
  int64_t batch = 4, image_size = 256, source_len = 20, target_len = 20, iterations = 5;
  CLI::App app{"ofapt forward-pass benchmark"};
  app.add_option("--preset", preset);
  app.add_option("--batch", batch);
  app.add_option("--image-size", image_size);
  app.add_option("--source-len", source_len);
  app.add_option("--target-len", target_len);
  app.add_option("--iterations", iterations);
  CLI11_PARSE(app, argc, argv);
  apply_startup_settings(argv, /*reusing_allocator=*/false);
  configure_cpu_threads();

  const OfaConfig config = OfaConfig::preset(preset);
  torch::manual_seed(0);
  OfaModel model(config);
  model->initialize_weights(0);
  model->eval();
  EncoderInput input;
  input.tokens = torch::randint(4, 50000, {batch, source_len});
  input.images = torch::rand({batch, 3, image_size, image_size}) * 2 - 1;
  auto prev = torch::randint(4, 50000, {batch, target_len});
  c10::InferenceMode inference;
  model->forward(input, prev);  // warm-up
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < iterations; ++i) model->forward(input, prev);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / iterations;
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  const int64_t patches = (image_size / 16) * (image_size / 16);
  nlohmann::json result{{"preset", preset},
                        {"batch", batch},
                        {"image_size", image_size},
                        {"encoder_tokens", patches + source_len},
                        {"target_len", target_len},
                        {"threads", at::get_num_threads()},
                        {"ms_per_forward", seconds * 1e3},
                        {"tokens_per_s", batch * (patches + source_len + target_len) / seconds},
                        {"images_per_s", batch / seconds},
                        {"peak_rss_mib", usage.ru_maxrss / 1024.0}};
  std::cout << result.dump() << "\n";
  return 0;
}
