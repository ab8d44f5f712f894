// Scoring benchmark: N targets after one input (serve's /v1/score), as copies of the input in one
// batch (one encoder pass per target) vs score_targets_after (one encoder pass in all), on a
// random-weight preset. Reports ms per request for both and checks they agree.
//   bench/score_bench --preset nano --image-size 128 --targets 8
#include <chrono>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/scoring.h"
#include "util/reexec.h"
#include "util/threading.h"

int main(int argc, char** argv) {
  using namespace ofapt;
  std::string preset = "nano";
  int64_t image_size = 128, source_len = 20, target_len = 8, targets = 8, iterations = 5;
  CLI::App app{"ofapt scoring benchmark"};
  app.add_option("--preset", preset);
  app.add_option("--image-size", image_size);
  app.add_option("--source-len", source_len);
  app.add_option("--target-len", target_len);
  app.add_option("--targets", targets, "Targets scored after the one input");
  app.add_option("--iterations", iterations);
  CLI11_PARSE(app, argc, argv);
  apply_startup_settings(argv, /*reusing_allocator=*/false);
  configure_cpu_threads();

  torch::manual_seed(0);
  OfaModel model(OfaConfig::preset(preset));
  model->initialize_weights(0);
  model->eval();
  const torch::Tensor image = torch::rand({3, image_size, image_size}) * 2 - 1;
  std::vector<int64_t> source(source_len, 100);
  source.front() = 0;
  source.back() = 2;
  std::vector<std::vector<int64_t>> target_ids;
  std::vector<ScoringExample> copies;
  for (int64_t t = 0; t < targets; ++t) {
    std::vector<int64_t> target(target_len, 200 + t);
    target.front() = 0;
    target.back() = 2;
    target_ids.push_back(target);
    copies.push_back({image, source, target});
  }
  auto time_ms = [&](const auto& call) {
    call();  // warm-up
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < iterations; ++i) call();
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / iterations;
  };
  std::vector<std::vector<float>> per_copy, once;
  const double copies_ms = time_ms([&] { per_copy = score_targets(model, copies); });
  const double once_ms = time_ms([&] { once = score_targets_after(model, image, source, target_ids); });
  double largest_difference = 0.0;
  for (size_t t = 0; t < once.size(); ++t) {
    for (size_t i = 0; i < once[t].size(); ++i) {
      largest_difference = std::max(largest_difference, static_cast<double>(std::abs(once[t][i] - per_copy[t][i])));
    }
  }
  std::cout << nlohmann::json{{"preset", preset},           {"image_size", image_size},
                              {"source_len", source_len},   {"target_len", target_len},
                              {"targets", targets},         {"threads", at::get_num_threads()},
                              {"ms_encoder_per_target", copies_ms},
                              {"ms_encoder_once", once_ms}, {"speedup", copies_ms / once_ms},
                              {"largest_logprob_difference", largest_difference}}
                   .dump()
            << "\n";
  return 0;
}
