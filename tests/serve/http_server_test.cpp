// The HTTP API in-process on a free loopback port, on the shipped default model: answers for the
// base model and for an uploaded prompt, tenants kept apart, and each kind of bad request refused
// with its 4xx JSON error while the server keeps serving.
#include "serve/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdio>
#include <numeric>
#include <thread>

#include "checkpoint/model_files.h"
#include "image/base64.h"
#include "image/png_encode.h"
#include "model/scoring.h"
#include "test_paths.h"
#include "tuning/make_method.h"
#include "tuning/tuned_task_file.h"
#include "util/error.h"
#include "util/file.h"
#include "world/world_writer.h"

namespace ofapt {
namespace {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    world::WorldOptions world;
    world.seed = 9;
    world.train_images = 1;
    world.val_images = 1;
    world::write_world(directory_.path(), world);

    const std::string model_dir = testing::source_path("models/nano-world");
    model_ = load_model(model_dir);
    auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(model_dir));
    TaskOptions options;
    options.image_size = options.max_image_size = 128;
    std::istringstream answers(read_file(join_path(directory_.path(), "answers.txt")));
    for (std::string line; std::getline(answers, line);) options.answers.push_back(line);
    for (const char* name : {"caption", "vqa", "refcoco", "snli_ve"})
      tasks_[name] = make_task(name, tokenizer, options);

    PromptRegistryOptions registry;
    registry.root = join_path(directory_.path(), "prompts");
    registry_ = std::make_unique<PromptRegistry>(model_->config(), fingerprint_model(model_), registry);
    BatchSchedulerOptions scheduler;
    scheduler.max_wait_ms = 1.0;
    scheduler.prediction.beam_size = 2;
    scheduler.prediction.caption_max_length = 6;
    scheduler_ = std::make_unique<BatchScheduler>(model_, tasks_, scheduler);
    HttpServerOptions http;
    http.port = 0;
    http.api_keys = {{"alice-key", "alice"}, {"bob-key", "bob"}};
    http.admin_key = "admin-key";
    http.max_body_bytes = 1 << 20;
    http.limits.max_image_side = 256;  // the world's images are 128 x 128
    http.access_log = &access_log_;
    server_ = std::make_unique<HttpServer>(*registry_, *scheduler_, tasks_, http);
    port_ = server_->bind();
    thread_ = std::thread([this] { server_->serve(); });
    image_ = read_image_column();
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  // The first val image of the world, as its TSV column holds it (base64).
  std::string read_image_column() const {
    std::istringstream rows(read_file(join_path(directory_.path(), "vqa_val.tsv")));
    std::string line;
    std::getline(rows, line);
    std::string longest;  // the image column, whichever the layout puts it in
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, '\t');) {
      if (field.size() > longest.size()) longest = field;
    }
    return longest;
  }

  httplib::Result call(const std::string& method, const std::string& path, const std::string& key,
                       const std::string& body = "") {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(120, 0);
    httplib::Headers headers;
    if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
    if (method == "GET") return client.Get(path, headers);
    if (method == "DELETE") return client.Delete(path, headers);
    if (method == "PUT") return client.Put(path, headers, body, "application/json");
    return client.Post(path, headers, body, "application/json");
  }

  // A prompt-tuned task with random tables, as the admin upload body.
  std::string upload_body(const ModelFingerprint& base) {
    torch::manual_seed(4);
    auto method = attach_method("prompt:length=5", model_);
    {
      torch::NoGradGuard no_grad;
      for (auto& [name, tensor] : method->trainable_tensors()) tensor.normal_(0.0, 0.5);
    }
    TemporaryDirectory saved;
    save_tuned_task(*method, base, join_path(saved.path(), "task"));
    return nlohmann::json{
        {"adapter_config",
         nlohmann::json::parse(read_file(join_path(saved.path(), "task/" + std::string(kTunedConfigFile))))},
        {"adapter_model", base64_encode(read_file(join_path(saved.path(), "task/" + std::string(kTunedTensorsFile))))}}
        .dump();
  }

  static nlohmann::json json_of(const httplib::Result& result) { return nlohmann::json::parse(result->body); }

  TemporaryDirectory directory_{"ofapt_http_test"};
  OfaModel model_{nullptr};
  std::map<std::string, std::shared_ptr<const Task>> tasks_;
  std::unique_ptr<PromptRegistry> registry_;
  std::unique_ptr<BatchScheduler> scheduler_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  int port_ = 0;
  std::string image_;
  std::ostringstream access_log_;
};

TEST_F(HttpServerTest, AnswersTenantsWithTheirOwnPromptsAndRefusesBadRequestsWithoutFalling) {
  auto health = call("GET", "/healthz", "");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  // The base model, for any tenant.
  auto caption = call("POST", "/v1/caption", "bob-key", nlohmann::json{{"image", image_}}.dump());
  ASSERT_TRUE(caption);
  ASSERT_EQ(caption->status, 200) << caption->body;
  EXPECT_TRUE(json_of(caption)["caption"].is_string());
  EXPECT_TRUE(json_of(caption)["tuned_task"].is_null());
  auto box = call("POST", "/v1/ground", "bob-key", nlohmann::json{{"image", image_}, {"text", "the red shape"}}.dump());
  ASSERT_EQ(box->status, 200) << box->body;

  // An uploaded prompt: alice's only.
  const std::string upload = upload_body(fingerprint_model(model_));
  EXPECT_EQ(call("PUT", "/admin/tasks/alice/colours", "alice-key", upload)->status, 403);
  auto put = call("PUT", "/admin/tasks/alice/colours", "admin-key", upload);
  ASSERT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(json_of(put)["version"], 1);
  const std::string question =
      nlohmann::json{{"image", image_}, {"question", "what colour is the square?"}, {"tuned_task", "colours"}}.dump();
  auto answer = call("POST", "/v1/vqa", "alice-key", question);
  ASSERT_EQ(answer->status, 200) << answer->body;
  EXPECT_TRUE(json_of(answer)["answer"].is_string());
  EXPECT_EQ(json_of(answer)["tuned_task"]["version"], 1);
  EXPECT_EQ(call("POST", "/v1/vqa", "bob-key", question)->status, 404);
  EXPECT_EQ(json_of(call("GET", "/v1/tasks", "alice-key"))["tasks"].size(), 1u);
  EXPECT_EQ(json_of(call("GET", "/v1/tasks", "bob-key"))["tasks"].size(), 0u);

  // Refusals, each a JSON error with its status.
  ModelFingerprint other = fingerprint_model(model_);
  other.weights_hash = "0000000000000000";
  const std::string truncated = base64_encode(base64_decode(image_).substr(0, 200));
  const std::string wide = base64_encode(encode_png(RgbImage(300, 8)));  // over the max image side
  const std::vector<std::tuple<std::string, std::string, std::string, std::string, int>> refusals = {
      {"POST", "/v1/caption", "", nlohmann::json{{"image", image_}}.dump(), 401},
      {"POST", "/v1/caption", "nobody-key", nlohmann::json{{"image", image_}}.dump(), 401},
      {"POST", "/v1/caption", "bob-key", "{\"image\": ", 400},
      {"POST", "/v1/caption", "bob-key", "[1, 2]", 400},
      {"POST", "/v1/caption", "bob-key", nlohmann::json{{"image", "not base64!"}}.dump(), 400},
      {"POST", "/v1/caption", "bob-key", nlohmann::json{{"image", truncated}}.dump(), 400},
      {"POST", "/v1/vqa", "bob-key", nlohmann::json{{"image", image_}}.dump(), 400},  // no question
      {"POST", "/v1/vqa", "bob-key", nlohmann::json{{"image", image_}, {"question", std::string(2000, 'a')}}.dump(),
       413},
      {"POST", "/v1/caption", "bob-key", nlohmann::json{{"image", wide}}.dump(), 413},
      {"POST", "/v1/caption", "bob-key", nlohmann::json{{"image", image_}, {"beam", 11}}.dump(), 413},
      {"POST", "/v1/caption", "bob-key", nlohmann::json{{"image", image_}, {"beam", "five"}}.dump(), 400},
      {"POST", "/v1/caption", "bob-key", nlohmann::json{{"image", std::string(2 << 20, 'A')}}.dump(), 413},
      {"POST", "/v1/nothing", "bob-key", "{}", 404},
      {"PUT", "/admin/tasks/alice/other", "admin-key", upload_body(other), 422},
      {"PUT", "/admin/tasks/alice/other", "admin-key", "{\"adapter_config\": {}}", 400},
      {"DELETE", "/admin/tasks/bob/colours", "admin-key", "", 404},
  };
  for (const auto& [method, path, key, body, status] : refusals) {
    auto result = call(method, path, key, body);
    ASSERT_TRUE(result) << method << " " << path;
    EXPECT_EQ(result->status, status) << method << " " << path << ": " << result->body;
    const auto error = nlohmann::json::parse(result->body, nullptr, false);
    EXPECT_TRUE(error.is_object() && error.contains("error")) << result->body;
  }
  EXPECT_EQ(call("DELETE", "/admin/tasks/alice/colours", "admin-key")->status, 200);
  EXPECT_EQ(call("POST", "/v1/vqa", "alice-key", question)->status, 404);
  EXPECT_EQ(call("GET", "/healthz", "")->status, 200);

  // What /metrics and the access log saw of all that.
  const std::string metrics = call("GET", "/metrics", "")->body;
  for (const char* line : {"ofapt_requests_total{endpoint=\"/v1/caption\",status=\"200\"} 1\n",
                           "ofapt_requests_total{endpoint=\"/v1/caption\",status=\"401\"} 2\n",
                           "ofapt_request_duration_ms_count{endpoint=\"/v1/vqa\"} 1\n", "ofapt_prompts_registered 0\n",
                           "ofapt_batched_requests_total 3\n"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << metrics;
  }
  std::istringstream log(access_log_.str());
  int64_t lines = 0;
  for (std::string line; std::getline(log, line); ++lines) {
    const auto record = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(record.is_object() && record.contains("status") && record.contains("path")) << line;
  }
  EXPECT_GE(lines, 20);
}

TEST_F(HttpServerTest, TakesMultipartUploadsOwnBeamsAnyInstructionAndTargetsToScore) {
  httplib::Client client("127.0.0.1", port_);
  client.set_read_timeout(120, 0);
  const httplib::Headers key = {{"Authorization", "Bearer bob-key"}};
  const std::string png = base64_decode(image_);
  auto json = client.Post("/v1/vqa", key,
                          nlohmann::json{{"image", image_}, {"question", "what colour is the square?"}}.dump(),
                          "application/json");
  auto form = client.Post("/v1/vqa", key,
                          httplib::MultipartFormDataItems{{"image", png, "scene.png", "image/png"},
                                                          {"question", "what colour is the square?", "", ""}});
  ASSERT_TRUE(json && form);
  ASSERT_EQ(form->status, 200) << form->body;
  EXPECT_EQ(json_of(form)["answer"], json_of(json)["answer"]);
  EXPECT_EQ(json_of(form)["logprob"], json_of(json)["logprob"]);

  auto greedy = client.Post("/v1/caption", key,
                            httplib::MultipartFormDataItems{{"image", png, "scene.png", "image/png"},
                                                            {"beam", "1", "", ""}});
  ASSERT_EQ(greedy->status, 200) << greedy->body;
  EXPECT_EQ(json_of(greedy)["beam"], 1);
  auto server_beam = call("POST", "/v1/caption", "bob-key", nlohmann::json{{"image", image_}}.dump());
  EXPECT_EQ(json_of(server_beam)["beam"], 2);
  auto not_a_number = client.Post("/v1/caption", key,
                                  httplib::MultipartFormDataItems{{"image", png, "scene.png", "image/png"},
                                                                  {"beam", "x", "", ""}});
  EXPECT_EQ(not_a_number->status, 400) << not_a_number->body;

  // Generation from an instruction: the caption task's own gives the caption, another gives other text.
  auto generated = call("POST", "/v1/generate", "bob-key",
                        nlohmann::json{{"image", image_}, {"instruction", "what does the image describe?"}}.dump());
  ASSERT_EQ(generated->status, 200) << generated->body;
  EXPECT_EQ(json_of(generated)["text"], json_of(server_beam)["caption"]);
  EXPECT_NEAR(json_of(generated)["logprob"].get<double>(), json_of(server_beam)["logprob"].get<double>(), 1e-4);
  auto other = call("POST", "/v1/generate", "bob-key",
                    nlohmann::json{{"image", image_}, {"instruction", "which region does the text describe?"}}.dump());
  ASSERT_EQ(other->status, 200) << other->body;
  EXPECT_NE(json_of(other)["logprob"], json_of(generated)["logprob"]);
  EXPECT_EQ(call("POST", "/v1/generate", "bob-key", nlohmann::json{{"image", image_}}.dump())->status, 400);

  // Scoring given texts: as the library scores them (the caption, which the model wrote, above a wrong one).
  const std::string caption = json_of(server_beam)["caption"];
  const TaskExample row = request_row(*tasks_["caption"], {{"image", image_}}, "expected", {});
  const auto expected =
      score_targets(model_, {{row.example.image, row.example.source, request_targets(*tasks_["caption"],
                                                                                      {{"targets", {caption}}}, {})[0]}});
  auto scored = call("POST", "/v1/score", "bob-key",
                     nlohmann::json{{"image", image_},
                                    {"instruction", "what does the image describe?"},
                                    {"targets", {caption, "a purple elephant"}}}
                         .dump());
  ASSERT_EQ(scored->status, 200) << scored->body;
  const auto scores = json_of(scored)["scores"];
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_EQ(scores[0]["target"], caption);
  EXPECT_NEAR(scores[0]["logprob"].get<double>(), std::accumulate(expected[0].begin(), expected[0].end(), 0.0), 1e-4);
  EXPECT_LT(scores[1]["logprob"].get<double>(), scores[0]["logprob"].get<double>());
  for (const auto& [targets, status] : std::vector<std::pair<nlohmann::json, int>>{
           {nlohmann::json::array(), 400}, {{"ok", 3}, 400}, {std::vector<std::string>(65, "a"), 413}}) {
    auto refused = call("POST", "/v1/score", "bob-key",
                        nlohmann::json{{"image", image_}, {"instruction", "x"}, {"targets", targets}}.dump());
    EXPECT_EQ(refused->status, status) << refused->body;
  }
  EXPECT_EQ(call("POST", "/v1/caption", "bob-key", nlohmann::json{{"image", image_}, {"instruction", "x"}}.dump())->status,
            400);
}

TEST_F(HttpServerTest, ASecondServerCannotTakeItsPort) {
  // cpp-httplib's default SO_REUSEPORT would let it bind and take half of the requests.
  HttpServerOptions same_port;
  same_port.port = port_;
  HttpServer second(*registry_, *scheduler_, tasks_, same_port);
  EXPECT_THROW(second.bind(), Error);
  EXPECT_EQ(call("GET", "/healthz", "")->status, 200);
}

// The page, as headless Chromium leaves it after its self-test: it paints a picture, uploads it
// through the page's own path and shows the reply (serve/playground_page.h).
std::string playground_after_self_test(int port, const std::string& query) {
  const std::string command = "timeout 180 chromium --headless --no-sandbox --disable-gpu --dump-dom "
                              "--virtual-time-budget=120000 'http://127.0.0.1:" +
                              std::to_string(port) + "/playground?" + query + "' 2>/dev/null";
  std::string dom;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return dom;
  char buffer[4096];
  for (size_t n; (n = fread(buffer, 1, sizeof buffer, pipe)) > 0;) dom.append(buffer, n);
  pclose(pipe);
  return dom;
}

TEST_F(HttpServerTest, ThePlaygroundAnswersInHeadlessChromium) {
  if (std::system("command -v chromium >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "Debian's chromium is not installed (scripts/test.sh installs it)";
  }
  ASSERT_EQ(call("PUT", "/admin/tasks/alice/colours", "admin-key", upload_body(fingerprint_model(model_)))->status,
            200);
  // A question to alice's tuned task: the page lists her tasks with her key and asks with one.
  const std::string vqa = playground_after_self_test(
      port_, "selftest=vqa&key=alice-key&tuned=colours&text=what%20colour%20is%20the%20square%3F");
  ASSERT_NE(vqa.find("data-selftest=\"done\""), std::string::npos) << vqa;
  EXPECT_NE(vqa.find("id=\"answer\" class=\"\" data-status=\"200\""), std::string::npos) << vqa;
  EXPECT_NE(vqa.find("\"name\": \"colours\""), std::string::npos) << vqa;  // answered with her prompt
  // Grounding with the base model: the box is drawn on the picture.
  const std::string ground = playground_after_self_test(port_, "selftest=ground&key=bob-key&text=the%20red%20square");
  EXPECT_NE(ground.find("data-status=\"200\""), std::string::npos) << ground;
  EXPECT_NE(ground.find("width=\"128\" height=\"128\" data-box-corner=\"drawn\""), std::string::npos) << ground;
  // A wrong key: the page shows the server's refusal.
  const std::string refused = playground_after_self_test(port_, "selftest=caption&key=wrong-key");
  EXPECT_NE(refused.find("class=\"error\" data-status=\"401\""), std::string::npos) << refused;
  EXPECT_EQ(call("GET", "/", "")->status, 302);
}

TEST_F(HttpServerTest, ClientsSeeNoErrorsWhileTheirTaskIsReplaced) {
  const std::string upload = upload_body(fingerprint_model(model_));
  ASSERT_EQ(call("PUT", "/admin/tasks/alice/colours", "admin-key", upload)->status, 200);
  const std::string question =
      nlohmann::json{{"image", image_}, {"question", "what colour is the square?"}, {"tuned_task", "colours"}}.dump();
  std::atomic<bool> replacing{true};
  std::atomic<int64_t> answered{0}, failed{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&] {
      while (replacing || answered < 3) {
        auto result = call("POST", "/v1/vqa", "alice-key", question);
        (result && result->status == 200 ? answered : failed)++;
      }
    });
  }
  for (int version = 2; version <= 6; ++version) {
    auto put = call("PUT", "/admin/tasks/alice/colours", "admin-key", upload);
    ASSERT_EQ(put->status, 200) << put->body;
    EXPECT_EQ(json_of(put)["version"], version);
  }
  replacing = false;
  for (auto& client : clients) client.join();
  EXPECT_GE(answered, 3);
  EXPECT_EQ(failed, 0);
}

}  // namespace
}  // namespace ofapt
