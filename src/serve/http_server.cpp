#include "serve/http_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>

#include "image/base64.h"
#include "serve/playground_page.h"
#include "tuning/tuned_task_file.h"
#include "util/error.h"
#include "util/file.h"
#include "util/peak_memory.h"

namespace ofapt {
namespace {

int status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
    case ErrorKind::kInput:
    case ErrorKind::kFormat:
      return 400;
    case ErrorKind::kSchema:
      return 422;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kLimit:
      return 413;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kIo:
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

void reply(httplib::Response& response, int status, const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump() + "\n", "application/json");
}

void refuse(httplib::Response& response, int status, const std::string& kind, const std::string& message) {
  reply(response, status, {{"error", message}, {"kind", kind}});
  if (status == 503) response.set_header("Retry-After", "1");  // busy or timed out: worth a retry
}

// A multipart/form-data request (curl -F image=@photo.jpg -F question=...) as the JSON body it
// stands for: the "image" part base64-encoded, "beam" as a number, every other part as text.
nlohmann::json form_body(const httplib::Request& request) {
  nlohmann::json body = nlohmann::json::object();
  for (const auto& [name, part] : request.files) {
    if (name == "image") {
      body[name] = base64_encode(part.content);
    } else if (name == "beam" && !part.content.empty() &&
               part.content.find_first_not_of("0123456789") == std::string::npos && part.content.size() < 10) {
      body[name] = std::stoll(part.content);
    } else {
      body[name] = part.content;  // request_beam refuses a beam that is not a number
    }
  }
  return body;
}

// The API's task names -> the tasks' own.
const std::map<std::string, std::string>& endpoint_tasks() {
  static const std::map<std::string, std::string> tasks = {{"caption", "caption"},
                                                            {"generate", "caption"},  // with the caller's instruction
                                                            {"score", "caption"},     // likewise, scoring targets
                                                            {"vqa", "vqa"},
                                                            {"ground", "refcoco"},
                                                            {"entail", "snli_ve"}};
  return tasks;
}

nlohmann::json describe(const RegisteredPrompt& prompt) {
  return {{"name", prompt.name},   {"version", prompt.version},
          {"spec", prompt.spec},   {"tensors_hash", prompt.tensors_hash},
          {"bytes", prompt.bytes}, {"resident", prompt.resident}};
}

}  // namespace

HttpServer::HttpServer(PromptRegistry& registry, BatchScheduler& scheduler,
                       std::map<std::string, std::shared_ptr<const Task>> tasks, HttpServerOptions options)
    : registry_(registry),
      scheduler_(scheduler),
      tasks_(std::move(tasks)),
      options_(std::move(options)),
      server_(std::make_unique<httplib::Server>()) {
  route();
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::route() {
  auto& server = *server_;
  const auto threads = static_cast<size_t>(std::max<int64_t>(1, options_.threads));
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_payload_max_length(static_cast<size_t>(options_.max_body_bytes));
  server.set_socket_options([this](int socket) {
    // SO_REUSEADDR to restart without waiting out TIME_WAIT, but not cpp-httplib's default
    // SO_REUSEPORT, with which a second server on the same port binds too and takes half the requests.
    const int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket_ = socket;
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const Error& e) {
      refuse(response, status_of(e.kind()), to_string(e.kind()), e.what());
    } catch (const std::exception& e) {
      refuse(response, 500, "internal", e.what());
    }
  });
  const int64_t max_body = options_.max_body_bytes;
  server.set_error_handler([max_body](const httplib::Request& request, httplib::Response& response) {
    if (!response.body.empty()) return;  // a handler's own JSON refusal
    if (response.status == 413 &&
        request.get_header_value("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0) {
      // cpp-httplib caps form bodies at 8 KB; curl -d sends JSON under that type unless told otherwise.
      refuse(response, 413, "limit",
             "a form-urlencoded body is limited to 8 KB: send JSON with Content-Type: application/json");
    } else if (response.status == 413) {
      refuse(response, 413, "limit",
             "the request body is over the server's max body of " + std::to_string(max_body) + " bytes");
    } else if (response.status == 404) {
      refuse(response, 404, "not found", "no such endpoint");
    } else {
      refuse(response, response.status, "http", "HTTP error " + std::to_string(response.status));
    }
  });

  // The caller's tenant, or "" after refusing the request (401).
  auto tenant_of = [this](const httplib::Request& request, httplib::Response& response) -> std::string {
    if (options_.api_keys.empty()) return "default";
    const std::string header = request.get_header_value("Authorization");
    const std::string bearer = "Bearer ";
    auto found =
        header.rfind(bearer, 0) == 0 ? options_.api_keys.find(header.substr(bearer.size())) : options_.api_keys.end();
    if (found == options_.api_keys.end()) {
      refuse(response, 401, "auth", "a known API key is needed (Authorization: Bearer <key>)");
      return "";
    }
    return found->second;
  };
  auto is_admin = [this](const httplib::Request& request, httplib::Response& response) {
    if (!options_.admin_key.empty() && request.get_header_value("Authorization") == "Bearer " + options_.admin_key)
      return true;
    refuse(response, options_.admin_key.empty() ? 404 : 403, "auth",
           options_.admin_key.empty() ? "this server has no admin key, so no admin endpoints"
                                      : "the admin key is needed for /admin");
    return false;
  };
  auto json_body = [](const httplib::Request& request) {
    auto body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
    OFAPT_CHECK(!body.is_discarded(), ErrorKind::kInput, "the request body is not valid JSON");
    OFAPT_CHECK(body.is_object(), ErrorKind::kInput, "the request body must be a JSON object");
    return body;
  };

  server.Get("/", [](const httplib::Request&, httplib::Response& response) { response.set_redirect("/playground"); });
  server.Get("/playground", [](const httplib::Request&, httplib::Response& response) {
    response.set_content(playground_page(), "text/html; charset=utf-8");
  });
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& response) {
    reply(response, 200, {{"status", "ok"}});
  });
  server.Get("/metrics", [this](const httplib::Request&, httplib::Response& response) {
    const SchedulerStats stats = scheduler_.stats();
    const std::vector<ServerMetrics::Gauge> gauges = {
        {"ofapt_queue_depth", "Requests waiting for a batch.", "gauge", static_cast<double>(stats.queued)},
        {"ofapt_batches_total", "Model passes taken from the queue.", "counter", static_cast<double>(stats.batches)},
        {"ofapt_batched_requests_total", "Requests in those passes (their ratio is the mean batch size).", "counter",
         static_cast<double>(stats.requests)},
        {"ofapt_prompts_registered", "Tuned tasks in the registry.", "gauge", static_cast<double>(registry_.size())},
        {"ofapt_prompts_resident_bytes", "Folded prompts held in memory.", "gauge",
         static_cast<double>(registry_.resident_bytes())},
        {"process_resident_memory_bytes", "Resident memory of the server.", "gauge",
         static_cast<double>(resident_memory_bytes())}};
    response.set_content(metrics_.render(gauges), "text/plain; version=0.0.4");
  });
  // Every request: counted by endpoint and status, and one access-log line.
  server.set_logger([this](const httplib::Request& request, const httplib::Response& response) {
    std::string endpoint = "other";
    for (const char* known : {"/healthz", "/metrics", "/playground", "/v1/tasks"}) {
      if (request.path == known) endpoint = known;
    }
    const std::string v1 = "/v1/";
    if (request.path.rfind(v1, 0) == 0 && endpoint_tasks().count(request.path.substr(v1.size()))) {
      endpoint = request.path;
    }
    if (request.path.rfind("/admin/", 0) == 0) endpoint = "/admin";
    metrics_.count_request(endpoint, response.status);
    if (options_.access_log == nullptr) return;
    const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const nlohmann::json line = {{"time", now},
                                 {"method", request.method},
                                 {"path", request.path},
                                 {"status", response.status},
                                 {"bytes_in", request.body.size()},
                                 {"bytes_out", response.body.size()},
                                 {"remote", request.remote_addr}};
    std::lock_guard<std::mutex> lock(log_mutex_);
    *options_.access_log << line.dump() << "\n" << std::flush;
  });

  server.Post(R"(/v1/(caption|generate|score|vqa|ground|entail))", [=](const httplib::Request& request,
                                                                        httplib::Response& response) {
    const auto begin = std::chrono::steady_clock::now();
    const std::string tenant = tenant_of(request, response);
    if (tenant.empty()) return;
    const std::string endpoint = request.matches[1];
    const std::string task_name = endpoint_tasks().at(endpoint);
    auto task = tasks_.find(task_name);
    OFAPT_CHECK(task != tasks_.end(), ErrorKind::kNotFound, "this server does not serve ", endpoint);
    const auto body = request.is_multipart_form_data() ? form_body(request) : json_body(request);
    const bool instructed = endpoint == "generate" || endpoint == "score";
    OFAPT_CHECK(instructed == body.contains("instruction"), ErrorKind::kInput,
                instructed ? "/v1/" + endpoint + " needs \"instruction\": the model's source text"
                           : "\"instruction\" belongs to /v1/generate and /v1/score");
    ServeRequest serve_request;
    serve_request.task = task_name;
    serve_request.beam_size = request_beam(body, options_.limits);
    nlohmann::json tuned = nullptr;
    if (body.contains("tuned_task") && !body["tuned_task"].is_null()) {
      OFAPT_CHECK(body["tuned_task"].is_string(), ErrorKind::kInput, "\"tuned_task\" must be a string or null");
      const std::string name = body["tuned_task"].get<std::string>();
      RegisteredPrompt served;
      serve_request.prompt = registry_.acquire(tenant, name, &served);
      tuned = describe(served);
    }
    serve_request.row = request_row(*task->second, body, std::to_string(next_id_++), options_.limits);
    if (endpoint == "score") serve_request.targets = request_targets(*task->second, body, options_.limits);
    auto future = scheduler_.submit(std::move(serve_request));
    const auto timeout = std::chrono::duration<double>(options_.request_timeout_s);
    OFAPT_CHECK(future.wait_for(timeout) == std::future_status::ready, ErrorKind::kUnavailable,
                "no answer within the server's timeout of ", options_.request_timeout_s, " s");
    const ServeResult result = future.get();
    nlohmann::json out = {{"task", endpoint}, {"tuned_task", tuned}};
    if (endpoint == "score") {
      out["scores"] = nlohmann::json::array();
      for (size_t i = 0; i < result.target_logprobs.size(); ++i) {
        out["scores"].push_back({{"target", body["targets"][i]}, {"logprob", result.target_logprobs[i]}});
      }
    } else if (task_name == "refcoco") {
      const Box& box = result.prediction.box;
      out["box"] = result.prediction.valid_box ? nlohmann::json{box.x0, box.y0, box.x1, box.y1} : nlohmann::json();
    } else {
      out[endpoint == "generate" ? "text" : task_name == "caption" ? "caption" : "answer"] = result.prediction.text;
    }
    if (result.prediction.sample.contains("logprob")) out["logprob"] = result.prediction.sample["logprob"];
    const double total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count();
    out["timing_ms"] = {{"queue", result.queue_ms}, {"compute", result.compute_ms}, {"total", total_ms}};
    metrics_.observe_latency("/v1/" + endpoint, total_ms);
    out["batch_rows"] = result.batch_rows;
    if (result.beam_size > 0) out["beam"] = result.beam_size;
    reply(response, 200, out);
  });

  server.Get("/v1/tasks", [=](const httplib::Request& request, httplib::Response& response) {
    const std::string tenant = tenant_of(request, response);
    if (tenant.empty()) return;
    nlohmann::json tasks = nlohmann::json::array();
    for (const auto& prompt : registry_.list(tenant)) tasks.push_back(describe(prompt));
    reply(response, 200, {{"tasks", tasks}});
  });

  server.Put(R"(/admin/tasks/([^/]+)/([^/]+))", [=](const httplib::Request& request, httplib::Response& response) {
    if (!is_admin(request, response)) return;
    const auto body = json_body(request);
    OFAPT_CHECK(body.contains("adapter_config") && body["adapter_config"].is_object() &&
                    body.contains("adapter_model") && body["adapter_model"].is_string(),
                ErrorKind::kInput, "the body needs \"adapter_config\" (object) and \"adapter_model\" (base64)");
    // The upload becomes a tuned-task directory, which the registry checks like any other.
    TemporaryDirectory upload("ofapt-upload");
    write_file_atomic(join_path(upload.path(), kTunedConfigFile), body["adapter_config"].dump(1));
    write_file_atomic(join_path(upload.path(), kTunedTensorsFile),
                      base64_decode(body["adapter_model"].get<std::string>(), "adapter_model"));
    const auto registered = registry_.put(request.matches[1], request.matches[2], upload.path());
    reply(response, 200, describe(registered));
  });
  server.Delete(R"(/admin/tasks/([^/]+)/([^/]+))", [=](const httplib::Request& request, httplib::Response& response) {
    if (!is_admin(request, response)) return;
    OFAPT_CHECK(registry_.remove(request.matches[1], request.matches[2]), ErrorKind::kNotFound, "tenant '",
                std::string(request.matches[1]), "' has no task '", std::string(request.matches[2]), "'");
    reply(response, 200, {{"removed", std::string(request.matches[2])}});
  });
  server.Get(R"(/admin/tasks/([^/]+))", [=](const httplib::Request& request, httplib::Response& response) {
    if (!is_admin(request, response)) return;
    nlohmann::json tasks = nlohmann::json::array();
    for (const auto& prompt : registry_.list(request.matches[1])) tasks.push_back(describe(prompt));
    reply(response, 200, {{"tasks", tasks}});
  });
}

int HttpServer::bind() {
  bound_port_ = options_.port == 0 ? server_->bind_to_any_port(options_.host)
                                   : (server_->bind_to_port(options_.host, options_.port) ? options_.port : -1);
  OFAPT_CHECK(bound_port_ > 0, ErrorKind::kIo, "cannot listen on ", options_.host, ":", options_.port,
              " (in use, or not an address of this machine)");
  // cpp-httplib (Debian's shared build) listens with a backlog of 5. Under a burst of clients, while
  // the model holds every core, the accept queue overflowed and clients lost their connections
  // (bench/results/README.md); listening again on the same socket only raises the backlog.
  ::listen(listen_socket_, SOMAXCONN);
  return bound_port_;
}

void HttpServer::serve() {
  if (bound_port_ < 0) bind();
  server_->listen_after_bind();
}

void HttpServer::stop() {
  if (server_) server_->stop();
}

}  // namespace ofapt
