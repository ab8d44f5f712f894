// ofapt serve: one frozen model, many prompt-tuned tasks, a JSON HTTP API (serve/http_server.h,
// docs/serve.md). Requests for different tenants' prompts share batches (serve/batch_scheduler.h).
#include <csignal>
#include <iostream>

#include "checkpoint/model_files.h"
#include "cli/command.h"
#include "cli/model_options.h"
#include "cli/task_options.h"
#include "serve/http_server.h"
#include "util/device.h"
#include "util/error.h"
#include "util/file.h"
#include "util/threading.h"

namespace ofapt::cli {
namespace {

struct ServeCliOptions {
  std::string model = kDefaultModelDir;
  std::string prompts = "prompts";
  std::string answers;
  std::string api_keys_file;
  std::string device = "cpu";
  int64_t memory_budget_mb = 1024;
  bool quiet = false;
  BatchSchedulerOptions scheduler;
  HttpServerOptions http;
};

HttpServer* running_server = nullptr;

// "key tenant" per line ('#' comments): who may call, and as whom.
std::map<std::string, std::string> read_api_keys(const std::string& path) {
  std::map<std::string, std::string> keys;
  std::istringstream lines(read_file(path));
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    std::istringstream words(line);
    std::string key, tenant, extra;
    if (!(words >> key) || key[0] == '#') continue;
    OFAPT_CHECK(static_cast<bool>(words >> tenant) && !(words >> extra), ErrorKind::kInput, path, ":", number,
                ": expected 'key tenant'");
    OFAPT_CHECK(keys.emplace(key, tenant).second, ErrorKind::kInput, path, ":", number, ": the key is listed twice");
  }
  return keys;
}

int run(ServeCliOptions& options) {
  configure_cpu_threads();
  const torch::Device device = parse_device(options.device, "--device");
  OfaModel model = load_model(options.model);
  model->to(device);
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(options.model));
  std::map<std::string, std::shared_ptr<const Task>> tasks;
  for (const std::string name : {"caption", "refcoco", "snli_ve", "vqa"}) {
    TaskCliOptions task = task_for_model(options.model, name, "");
    task.answers_file = options.answers;
    if (name == "vqa" && options.answers.empty()) continue;  // candidates are needed to answer
    tasks[name] = build_task(task, tokenizer);
  }
  if (!options.api_keys_file.empty()) options.http.api_keys = read_api_keys(options.api_keys_file);

  PromptRegistryOptions registry_options;
  registry_options.root = options.prompts;
  registry_options.memory_budget_bytes = options.memory_budget_mb << 20;
  PromptRegistry registry(model->config(), fingerprint_model(model), registry_options);
  options.scheduler.device = device;
  BatchScheduler scheduler(model, tasks, options.scheduler);
  if (!options.quiet) options.http.access_log = &std::cerr;
  HttpServer server(registry, scheduler, tasks, options.http);
  const int port = server.bind();
  std::cerr << "serving " << options.model << " (" << registry.size() << " tuned tasks in " << options.prompts
            << ") on http://" << options.http.host << ":" << port << " (playground: /playground)"
            << (tasks.count("vqa") ? "" : "; no --answers, so no /v1/vqa") << "\n";
  running_server = &server;
  std::signal(SIGINT, [](int) { running_server->stop(); });
  std::signal(SIGTERM, [](int) { running_server->stop(); });
  server.serve();
  running_server = nullptr;
  return 0;
}

OFAPT_COMMAND("serve", "Serve one frozen model and many prompt-tuned tasks over HTTP (JSON)", [](CLI::App& app) {
  auto options = std::make_shared<ServeCliOptions>();
  auto& o = *options;
  app.add_option("--model", o.model, "Base model")->capture_default_str();
  app.add_option("--prompts", o.prompts, "Directory of the registered tuned tasks (created if absent)")
      ->capture_default_str();
  app.add_option("--answers", o.answers, "VQA candidate answers, one per line (enables /v1/vqa)");
  app.add_option("--host", o.http.host, "Address to listen on (loopback by default)")->capture_default_str();
  app.add_option("--port", o.http.port, "0 = any free port")->capture_default_str();
  app.add_option("--api-keys", o.api_keys_file, "File of 'key tenant' lines (none: one open tenant, 'default')");
  app.add_option("--admin-key", o.http.admin_key, "Key for the /admin endpoints (none: no admin endpoints)");
  app.add_option("--memory-budget-mb", o.memory_budget_mb, "Folded prompts kept in memory")->capture_default_str();
  app.add_option("--max-batch", o.scheduler.max_batch, "Requests per model pass")->capture_default_str();
  app.add_option("--max-wait-ms", o.scheduler.max_wait_ms, "How long a batch waits to fill")->capture_default_str();
  app.add_option("--max-queue", o.scheduler.max_queue, "Waiting requests before 429")->capture_default_str();
  app.add_option("--max-body-bytes", o.http.max_body_bytes)->capture_default_str();
  app.add_option("--http-threads", o.http.threads, "Connections handled at once (keep >= --max-batch)")
      ->capture_default_str();
  app.add_option("--max-text-chars", o.http.limits.max_text_chars)->capture_default_str();
  app.add_option("--max-image-side", o.http.limits.max_image_side, "Pixels, as the image header declares them")
      ->capture_default_str();
  app.add_option("--beam", o.scheduler.prediction.beam_size, "For requests that name none")->capture_default_str();
  app.add_option("--max-beam", o.http.limits.max_beam, "The most a request may ask for")->capture_default_str();
  app.add_option("--max-targets", o.http.limits.max_targets, "Texts one /v1/score request may score")
      ->capture_default_str();
  app.add_option("--timeout-s", o.http.request_timeout_s, "Per request")->capture_default_str();
  app.add_option("--device", o.device, "cpu or cuda[:i]")->capture_default_str();
  app.add_flag("--quiet", o.quiet, "No access log (one JSON line per request on stderr)");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
