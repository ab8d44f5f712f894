// `ofapt serve`'s HTTP API (docs/serve.md): JSON over cpp-httplib, on loopback unless told otherwise.
//   GET  /playground (and / redirects there)   the web page (serve/playground_page.h)
//   GET  /healthz                              liveness: {"status": "ok"}
//   GET  /metrics                              Prometheus text: requests, latencies, batches, queue,
//                                              prompts, memory
//   POST /v1/caption | /v1/vqa | /v1/ground | /v1/entail
//        {"tuned_task": name (optional; none = the base model), "image": base64, "question" | "text" |
//         "hypothesis" [+ "premise"], "beam"?}  ->  {"caption" | "answer" | "box", "tuned_task", "timing_ms", ...}
//        or the same fields as multipart/form-data, "image" as a file part
//   POST /v1/generate                          {"image", "instruction", "tuned_task"?, "beam"?} -> {"text", ...}:
//                                              beam search from any instruction (the caption path)
//   POST /v1/score                             {"image", "instruction", "targets": [text], "tuned_task"?}
//                                              -> {"scores": [{"target", "logprob"}]}: teacher-forced
//   GET  /v1/tasks                             the caller's tuned tasks
//   PUT  /admin/tasks/<tenant>/<name>          {"adapter_config": {...}, "adapter_model": base64 safetensors}
//   GET  /admin/tasks/<tenant>, DELETE /admin/tasks/<tenant>/<name>
// Callers name themselves with "Authorization: Bearer <key>"; each key belongs to one tenant, who sees
// and uses only its own tasks. The admin key alone reaches /admin. A server without keys serves one
// tenant, "default", to anyone who can reach it (hence loopback by default).
// Every refusal is a JSON {"error": message, "kind": ...} with a 4xx status; the server keeps serving.
// Each request writes one JSON line to the access log (time, method, path, status, bytes, ms).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "serve/batch_scheduler.h"
#include "serve/prompt_registry.h"
#include "serve/request_row.h"
#include "serve/server_metrics.h"

namespace httplib {
class Server;
}

namespace ofapt {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                              // 0: any free port (bind() returns it)
  std::map<std::string, std::string> api_keys;  // key -> tenant
  std::string admin_key;                        // empty: no admin endpoints
  int64_t max_body_bytes = 16 << 20;
  RequestLimits limits;
  double request_timeout_s = 60.0;     // a request not answered by then gets 503
  std::ostream* access_log = nullptr;  // JSON lines; nullptr: none
  // Connections handled at once. Each waits on its answer, so this caps the requests a batch can
  // gather: keep it at or above the scheduler's max batch (cpp-httplib's own default is 8 here).
  int64_t threads = 64;
};

class HttpServer {
 public:
  // The tasks are those of the scheduler, by their API name's task ("caption", "vqa", "refcoco",
  // "snli_ve"). Registry and scheduler must outlive the server.
  HttpServer(PromptRegistry& registry, BatchScheduler& scheduler,
             std::map<std::string, std::shared_ptr<const Task>> tasks, HttpServerOptions options);
  ~HttpServer();

  // Binds (Error(kIo) when it cannot) and serves until stop(); returns after stop().
  void serve();
  // Binds now and returns the port (for port 0); serve() then listens on it.
  int bind();
  void stop();

 private:
  void route();

  PromptRegistry& registry_;
  BatchScheduler& scheduler_;
  std::map<std::string, std::shared_ptr<const Task>> tasks_;
  HttpServerOptions options_;
  std::unique_ptr<httplib::Server> server_;
  ServerMetrics metrics_;
  std::mutex log_mutex_;
  std::atomic<int64_t> next_id_{0};
  int bound_port_ = -1;
  int listen_socket_ = -1;
};

}  // namespace ofapt
