// Load generator for `ofapt serve` on loopback (issue 7): an in-process server on the default model
// with `--registered` prompt-tuned tasks, `--clients` threads each sending requests back to back, and
// request i asking with prompt i mod `--distinct` (0: the bare model), so a batch of max-batch rows
// holds min(max-batch, distinct) different prompts. Prints one JSON object: requests/s, p50/p99
// latency, mean batch, and the server's memory. Bounded by --requests and --max-seconds (timed after
// a warm-up in which every client asks once and every distinct prompt is asked for).
#include <httplib.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>

#include "checkpoint/model_files.h"
#include "serve/http_server.h"
#include "tuning/make_method.h"
#include "tuning/tuned_task_file.h"
#include "util/file.h"
#include "util/peak_memory.h"
#include "util/reexec.h"
#include "util/threading.h"
#include "world/world_writer.h"

using namespace ofapt;

int main(int argc, char** argv) {
  std::string model_dir = "models/nano-world", task_name = "caption";
  int64_t registered = 64, distinct = 1, clients = 16, requests = 128, max_batch = 16, prompt_length = 16;
  int64_t beam = 5;
  double max_seconds = 120.0, max_wait_ms = 5.0;
  CLI::App app{"ofapt serve load benchmark"};
  app.add_option("--model", model_dir)->capture_default_str();
  app.add_option("--task", task_name, "caption or vqa")->capture_default_str();
  app.add_option("--registered", registered, "Prompt-tuned tasks in the registry")->capture_default_str();
  app.add_option("--distinct", distinct, "Different prompts asked for (0: the bare model)")->capture_default_str();
  app.add_option("--clients", clients, "Concurrent client threads")->capture_default_str();
  app.add_option("--requests", requests, "Timed requests in all (after an untimed warm-up)")->capture_default_str();
  app.add_option("--max-batch", max_batch)->capture_default_str();
  app.add_option("--max-wait-ms", max_wait_ms)->capture_default_str();
  app.add_option("--beam", beam)->capture_default_str();
  app.add_option("--prompt-length", prompt_length)->capture_default_str();
  app.add_option("--max-seconds", max_seconds, "Stop sending after this long")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  apply_startup_settings(argv, /*reusing_allocator=*/false);
  if (distinct > registered) {
    std::cerr << "--distinct must be <= --registered\n";
    return 2;
  }
  configure_cpu_threads();
  TemporaryDirectory work("ofapt-serve-bench");
  world::WorldOptions world;
  world.train_images = 1;
  world.val_images = 4;
  world::write_world(work.path(), world);

  OfaModel model = load_model(model_dir);
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(model_dir));
  TaskOptions options;
  options.image_size = options.max_image_size = 128;
  std::istringstream answers(read_file(join_path(work.path(), "answers.txt")));
  for (std::string line; std::getline(answers, line);) options.answers.push_back(line);
  std::map<std::string, std::shared_ptr<const Task>> tasks = {{task_name, make_task(task_name, tokenizer, options)}};

  // The registry: `registered` random prompts of the open tenant, saved and registered as uploads are.
  const ModelFingerprint base = fingerprint_model(model);
  PromptRegistryOptions registry_options;
  registry_options.root = join_path(work.path(), "prompts");
  PromptRegistry registry(model->config(), base, registry_options);
  const int64_t rss_before_prompts = resident_memory_bytes();
  for (int64_t p = 0; p < registered; ++p) {
    torch::manual_seed(static_cast<uint64_t>(p) + 1);
    auto method = attach_method("prompt:length=" + std::to_string(prompt_length), model);
    const std::string saved = join_path(work.path(), "saved");
    save_tuned_task(*method, base, saved);
    registry.put("default", "p" + std::to_string(p), saved);
  }
  const int64_t rss_with_prompts = resident_memory_bytes();

  BatchSchedulerOptions scheduler_options;
  scheduler_options.max_batch = max_batch;
  scheduler_options.max_wait_ms = max_wait_ms;
  scheduler_options.prediction.beam_size = beam;
  BatchScheduler scheduler(model, tasks, scheduler_options);
  HttpServerOptions http;
  http.port = 0;
  http.threads = std::max<int64_t>(64, clients);
  HttpServer server(registry, scheduler, tasks, http);
  const int port = server.bind();
  std::thread serving([&] { server.serve(); });

  // The request bodies: the world's val images, each with its prompt.
  std::vector<std::string> images;
  {
    std::istringstream rows(read_file(join_path(work.path(), "vqa_val.tsv")));
    for (std::string line; std::getline(rows, line);) {
      std::string longest;
      std::istringstream fields(line);
      for (std::string field; std::getline(fields, field, '\t');) longest = field.size() > longest.size() ? field : longest;
      images.push_back(longest);
    }
  }
  auto body_of = [&](int64_t i) {
    nlohmann::json body = {{"image", images[i % images.size()]}};
    if (task_name == "vqa") body["question"] = "what colour is the square?";
    if (distinct > 0) body["tuned_task"] = "p" + std::to_string(i % distinct);
    return body.dump();
  };
  const std::string path = "/v1/" + task_name;

  // Warm-up, not timed: every client asks once and every distinct prompt is asked for (and so read
  // from disk and folded) before the clock starts, so all configurations are timed in steady state.
  {
    std::vector<std::thread> warming;
    const int64_t warm_up = std::max(clients, distinct);
    std::atomic<int64_t> next{0};
    for (int64_t c = 0; c < clients; ++c) {
      warming.emplace_back([&] {
        httplib::Client client("127.0.0.1", port);
        client.set_read_timeout(600, 0);
        for (int64_t i = next++; i < warm_up; i = next++) client.Post(path, body_of(i), "application/json");
      });
    }
    for (auto& thread : warming) thread.join();
  }
  const SchedulerStats warm_stats = scheduler.stats();

  std::atomic<int64_t> next{0}, failures{0};
  std::vector<double> latencies_ms;
  std::map<std::string, int64_t> failure_kinds;  // HTTP status, or the client's error name
  std::mutex latencies_mutex;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(max_seconds));
  std::vector<std::thread> threads;
  for (int64_t c = 0; c < clients; ++c) {
    threads.emplace_back([&] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(600, 0);
      for (int64_t i = next++; i < requests && std::chrono::steady_clock::now() < deadline; i = next++) {
        const auto sent = std::chrono::steady_clock::now();
        auto result = client.Post(path, body_of(i), "application/json");
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - sent).count();
        if (!result || result->status != 200) {
          ++failures;
          std::lock_guard<std::mutex> lock(latencies_mutex);
          ++failure_kinds[result ? std::to_string(result->status) : httplib::to_string(result.error())];
          continue;
        }
        std::lock_guard<std::mutex> lock(latencies_mutex);
        latencies_ms.push_back(ms);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  SchedulerStats stats = scheduler.stats();
  stats.batches -= warm_stats.batches;
  stats.requests -= warm_stats.requests;
  server.stop();
  serving.join();

  std::sort(latencies_ms.begin(), latencies_ms.end());
  auto percentile = [&](double q) {
    return latencies_ms.empty() ? 0.0 : latencies_ms[std::min(latencies_ms.size() - 1,
                                                             static_cast<size_t>(q * latencies_ms.size()))];
  };
  const nlohmann::json result = {
      {"task", task_name},
      {"registered", registered},
      {"distinct_prompts", distinct},
      {"prompt_length", prompt_length},
      {"clients", clients},
      {"max_batch", max_batch},
      {"beam", beam},
      {"answered", latencies_ms.size()},
      {"failures", failures.load()},
      {"failure_kinds", failure_kinds},
      {"seconds", seconds},
      {"requests_per_s", static_cast<double>(latencies_ms.size()) / seconds},
      {"p50_ms", percentile(0.50)},
      {"p99_ms", percentile(0.99)},
      {"mean_batch", stats.batches > 0 ? static_cast<double>(stats.requests) / static_cast<double>(stats.batches) : 0.0},
      {"rss_mb_before_prompts", static_cast<double>(rss_before_prompts) / 1048576.0},
      {"rss_mb_with_prompts", static_cast<double>(rss_with_prompts) / 1048576.0},
      {"prompt_resident_mb", static_cast<double>(registry.resident_bytes()) / 1048576.0},
      {"rss_mb_end", static_cast<double>(resident_memory_bytes()) / 1048576.0}};
  std::cout << result.dump() << "\n";
  return 0;  // failures are in the record, beside the numbers they affect
}
