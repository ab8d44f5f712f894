// The server's batcher: requests for any tuned task (or the bare model) wait in one queue; a worker
// thread takes the oldest request's task and up to max_batch requests of that task (waiting at most
// max_wait_ms for the batch to fill), and answers them with one TaskPredictor pass in which each row
// attends to its own request's prompt (gather_prompts). Each request is one row: its image is encoded
// once, and beam search or candidate scoring runs per row exactly as it would alone. Requests that ask
// for another beam size than the server's batch with their own kind.
#pragma once

#include <torch/torch.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tasks/task.h"
#include "tasks/task_predictor.h"
#include "tuning/prompt_bank.h"

namespace ofapt {

struct BatchSchedulerOptions {
  int64_t max_batch = 16;            // rows per model pass
  double max_wait_ms = 5.0;          // how long the oldest request waits for its batch to fill
  int64_t max_queue = 1024;          // waiting requests beyond which submit() refuses
  TaskEvaluationOptions prediction;  // beam size, caption length, answer mode (batch_size is max_batch)
  torch::Device device = torch::kCPU;
};

struct ServeRequest {
  std::string task;                            // a key of the scheduler's tasks
  TaskExample row;                             // the parsed input (its reference is not used)
  std::shared_ptr<const ServedPrompt> prompt;  // null: the bare model
  int64_t beam_size = 0;                       // 0: the server's; ignored where answers are scored
  // Non-empty: score these targets (bos ... eos each) after the row's image and source, instead of
  // predicting the task's answer. Such a request runs alone: its targets are the pass's rows.
  std::vector<std::vector<int64_t>> targets;
};

struct ServeResult {
  TaskPrediction prediction;
  double queue_ms = 0.0;    // from submit() to the start of its batch
  double compute_ms = 0.0;  // the batch's model time
  int64_t batch_rows = 0;   // requests answered by the same pass
  int64_t beam_size = 0;    // the beam it was answered with; 0 where all candidates were scored
  std::vector<double> target_logprobs;  // scoring requests: per target, the sum of its token log-probs
};

struct SchedulerStats {
  int64_t queued = 0;    // waiting now
  int64_t batches = 0;   // passes taken from the queue (running or done)
  int64_t requests = 0;  // requests in those passes
};

class BatchScheduler {
 public:
  // `tasks`: task name -> task, each with the options its requests were parsed with. The model is
  // used read-only (eval mode, no gradients) by the one worker thread.
  BatchScheduler(OfaModel model, std::map<std::string, std::shared_ptr<const Task>> tasks,
                 BatchSchedulerOptions options);
  ~BatchScheduler();  // finishes the running batch; requests still queued fail with kUnavailable
  BatchScheduler(const BatchScheduler&) = delete;
  BatchScheduler& operator=(const BatchScheduler&) = delete;

  // Queues the request. Error(kUsage) for an unknown task, Error(kUnavailable) when max_queue
  // requests are waiting already. The future holds the result, or the Error that answering it raised.
  std::future<ServeResult> submit(ServeRequest request);
  SchedulerStats stats() const;

 private:
  struct Pending {
    ServeRequest request;
    std::promise<ServeResult> promise;
    std::chrono::steady_clock::time_point submitted;
  };
  void work();
  std::vector<Pending> next_batch(std::unique_lock<std::mutex>& lock);
  void run_batch(std::vector<Pending>& batch);
  // Requests batch together when they share a task and a beam size.
  using BatchKind = std::pair<std::string, int64_t>;
  static BatchKind kind_of(const ServeRequest& request) {
    return {request.targets.empty() ? request.task : "score", request.beam_size};
  }
  void run_scoring(Pending& request);
  TaskPredictor& predictor_for(const BatchKind& kind);  // worker only

  OfaModel model_;
  std::map<std::string, std::shared_ptr<const Task>> tasks_;
  std::map<std::string, bool> scores_candidates_;  // task -> answered by all-candidate scoring
  std::map<BatchKind, std::unique_ptr<TaskPredictor>> predictors_;  // made on first use (worker only)
  PromptFor prompt_per_row_;
  BatchSchedulerOptions options_;
  std::vector<const ServedPrompt*> batch_prompts_;  // the running batch's prompt per row (worker only)

  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::deque<Pending> queue_;
  SchedulerStats stats_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace ofapt
