// Batches prepared ahead of the model by a pool of worker threads: reading rows, decoding and
// resizing images and tokenizing run while the model computes the previous update, so training is
// not input-bound. Batches come back in the order they were scheduled, whatever thread built them.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "data/dataset.h"

namespace ofapt {

struct BatchLoaderOptions {
  CollateOptions collate;
  bool skip_bad_rows = false;  // false: a malformed row stops the run; true: it is dropped and counted
  int64_t decode_threads = 2;  // worker threads building rows (they live as long as the loader)
  bool pin_memory = false;     // batches come back in page-locked memory (training on a GPU)
};

class BatchLoader {
 public:
  BatchLoader(const Dataset& data, BatchLoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // Queues the rows of a batch for the workers.
  void schedule(std::vector<int64_t> indices);
  int64_t pending() const;
  // The oldest scheduled batch, collated (waits for its rows). Rethrows a row's error; with
  // skip_bad_rows a batch whose rows were all malformed comes back empty (size 0).
  Batch next();

  int64_t skipped_rows() const;
  std::vector<std::string> problems() const;  // the first few skipped rows, "file:line: what"

 private:
  struct PendingBatch {
    std::vector<int64_t> indices;
    std::vector<Example> examples;
    std::vector<std::string> errors;  // per row: the message of a skipped row
    std::exception_ptr failure;       // a fatal row error
    int64_t remaining = 0;            // rows not built yet
  };
  struct Job {
    std::shared_ptr<PendingBatch> batch;
    int64_t row;
  };
  void work();

  const Dataset& data_;
  BatchLoaderOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable job_ready_, row_done_;
  std::deque<std::shared_ptr<PendingBatch>> batches_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  int64_t skipped_ = 0;
  std::vector<std::string> problems_;
  std::vector<std::thread> workers_;
};

}  // namespace ofapt
