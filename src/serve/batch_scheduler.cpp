#include "serve/batch_scheduler.h"

#include <numeric>

#include "model/scoring.h"
#include "util/error.h"

namespace ofapt {
namespace {

double milliseconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

PromptKV to_device(PromptKV prompt, const torch::Device& device) {
  for (auto* stack : {&prompt.encoder, &prompt.decoder}) {
    for (auto& layer : *stack) {
      layer = layer.map_tensors([&](const torch::Tensor& t) { return t.to(device); });
    }
  }
  return prompt;
}

}  // namespace

BatchScheduler::BatchScheduler(OfaModel model, std::map<std::string, std::shared_ptr<const Task>> tasks,
                               BatchSchedulerOptions options)
    : model_(std::move(model)), tasks_(std::move(tasks)), options_(std::move(options)) {
  OFAPT_CHECK(options_.max_batch >= 1 && options_.max_queue >= 1 && options_.max_wait_ms >= 0.0, ErrorKind::kUsage,
              "batch scheduler: max_batch and max_queue must be >= 1 and max_wait_ms >= 0");
  model_->eval();
  options_.prediction.batch_size = options_.max_batch;
  // Each row of a batch attends to its own request's prompt.
  prompt_per_row_ = [this](const std::vector<int64_t>& rows) {
    std::vector<const ServedPrompt*> prompts;
    for (const int64_t row : rows) prompts.push_back(batch_prompts_.at(row));
    return to_device(gather_prompts(prompts), options_.device);
  };
  for (const auto& [name, task] : tasks_) {
    // The server's beam is made now, so a task that cannot be served fails at start, not per request.
    auto& predictor = predictor_for({name, options_.prediction.beam_size});
    scores_candidates_[name] = predictor.scores_all_candidates();
  }
  worker_ = std::thread([this] { work(); });
}

TaskPredictor& BatchScheduler::predictor_for(const BatchKind& kind) {
  auto& predictor = predictors_[kind];
  if (!predictor) {
    TaskEvaluationOptions options = options_.prediction;
    options.beam_size = kind.second;
    predictor = std::make_unique<TaskPredictor>(model_, prompt_per_row_, *tasks_.at(kind.first), options,
                                                options_.device);
  }
  return *predictor;
}

BatchScheduler::~BatchScheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  arrived_.notify_all();
  worker_.join();
}

std::future<ServeResult> BatchScheduler::submit(ServeRequest request) {
  OFAPT_CHECK(tasks_.count(request.task), ErrorKind::kUsage, "unknown task '", request.task, "'");
  OFAPT_CHECK(request.beam_size >= 0, ErrorKind::kUsage, "beam size ", request.beam_size, " < 0");
  if (request.beam_size == 0 || scores_candidates_.at(request.task) || !request.targets.empty()) {
    request.beam_size = options_.prediction.beam_size;
  }
  Pending pending{std::move(request), {}, std::chrono::steady_clock::now()};
  auto result = pending.promise.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    OFAPT_CHECK(!stopping_, ErrorKind::kUnavailable, "the server is shutting down");
    OFAPT_CHECK(static_cast<int64_t>(queue_.size()) < options_.max_queue, ErrorKind::kUnavailable,
                "the server is busy: its queue is full (", options_.max_queue, " requests waiting); retry later");
    queue_.push_back(std::move(pending));
    stats_.queued = static_cast<int64_t>(queue_.size());
  }
  arrived_.notify_all();
  return result;
}

SchedulerStats BatchScheduler::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

std::vector<BatchScheduler::Pending> BatchScheduler::next_batch(std::unique_lock<std::mutex>& lock) {
  arrived_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
  if (stopping_) return {};
  // The oldest request's kind goes next; its batch waits until full or until the oldest has waited
  // max_wait_ms.
  const BatchKind kind = kind_of(queue_.front().request);
  const auto deadline = queue_.front().submitted + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                       std::chrono::duration<double, std::milli>(options_.max_wait_ms));
  auto waiting_for_task = [&] {
    int64_t count = 0;
    for (const auto& pending : queue_) count += kind_of(pending.request) == kind;
    return count;
  };
  // A scoring request's targets fill its pass alone.
  const int64_t max_batch = kind.first == "score" ? 1 : options_.max_batch;
  arrived_.wait_until(lock, deadline, [&] { return stopping_ || waiting_for_task() >= max_batch; });
  if (stopping_) return {};
  std::vector<Pending> batch;
  for (auto it = queue_.begin(); it != queue_.end() && static_cast<int64_t>(batch.size()) < max_batch;) {
    if (kind_of(it->request) != kind) {
      ++it;
      continue;
    }
    batch.push_back(std::move(*it));
    it = queue_.erase(it);
  }
  stats_.queued = static_cast<int64_t>(queue_.size());
  stats_.batches += 1;  // counted when taken, so a caller holding its answer sees its batch counted
  stats_.requests += static_cast<int64_t>(batch.size());
  return batch;
}

void BatchScheduler::work() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    std::vector<Pending> batch = next_batch(lock);
    if (batch.empty()) break;
    lock.unlock();
    run_batch(batch);
    lock.lock();
  }
  for (auto& pending : queue_) {
    pending.promise.set_exception(
        std::make_exception_ptr(Error(ErrorKind::kUnavailable, "the server is shutting down")));
  }
  queue_.clear();
  stats_.queued = 0;
}

void BatchScheduler::run_scoring(Pending& pending) {
  const auto start = std::chrono::steady_clock::now();
  const ServeRequest& request = pending.request;
  // One encoder pass for the request; every target decodes after it.
  batch_prompts_.assign(1, request.prompt.get());
  ServeResult result;
  for (const auto& logprobs : score_targets_after(model_, request.row.example.image, request.row.example.source,
                                                  request.targets, prompt_per_row_({0}))) {
    result.target_logprobs.push_back(std::accumulate(logprobs.begin(), logprobs.end(), 0.0));
  }
  result.queue_ms = milliseconds(start - pending.submitted);
  result.compute_ms = milliseconds(std::chrono::steady_clock::now() - start);
  result.batch_rows = 1;
  pending.promise.set_value(std::move(result));
}

void BatchScheduler::run_batch(std::vector<Pending>& batch) {
  const auto start = std::chrono::steady_clock::now();
  if (kind_of(batch.front().request).first == "score") {
    try {
      run_scoring(batch.front());
    } catch (...) {
      batch.front().promise.set_exception(std::current_exception());
    }
    batch_prompts_.clear();
    return;
  }
  std::vector<TaskExample> rows;
  batch_prompts_.clear();
  for (const auto& pending : batch) {
    rows.push_back(pending.request.row);
    batch_prompts_.push_back(pending.request.prompt.get());
  }
  try {
    torch::NoGradGuard no_grad;
    const BatchKind kind = kind_of(batch.front().request);
    auto predictions = predictor_for(kind).predict(rows);
    const double compute_ms = milliseconds(std::chrono::steady_clock::now() - start);
    for (size_t i = 0; i < batch.size(); ++i) {
      ServeResult result;
      result.prediction = std::move(predictions[i]);
      result.queue_ms = milliseconds(start - batch[i].submitted);
      result.compute_ms = compute_ms;
      result.batch_rows = static_cast<int64_t>(batch.size());
      result.beam_size = scores_candidates_.at(kind.first) ? 0 : kind.second;
      batch[i].promise.set_value(std::move(result));
    }
  } catch (...) {
    // One bad batch fails its own requests, never the worker.
    for (auto& pending : batch) pending.promise.set_exception(std::current_exception());
  }
  batch_prompts_.clear();
}

}  // namespace ofapt
