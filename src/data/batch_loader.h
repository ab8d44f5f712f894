// Batches prepared ahead of the model on background threads: reading rows, decoding and resizing
// images, tokenizing and collating run while the model computes the previous update, so training is
// not input-bound. Batches come back in the order they were scheduled, whatever thread made them.
#pragma once

#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace ofapt {

struct BatchLoaderOptions {
  CollateOptions collate;
  bool skip_bad_rows = false;  // false: a malformed row stops the run; true: it is dropped and counted
  int64_t decode_threads = 2;  // threads decoding the rows of one batch
};

class BatchLoader {
 public:
  BatchLoader(const Dataset& data, BatchLoaderOptions options) : data_(data), options_(std::move(options)) {}
  ~BatchLoader();

  // Starts preparing a batch of these dataset indices.
  void schedule(std::vector<int64_t> indices);
  int64_t pending() const { return static_cast<int64_t>(queue_.size()); }
  // The oldest scheduled batch (waits for it). Rethrows its error; with skip_bad_rows a batch whose
  // rows were all malformed comes back empty (size 0).
  Batch next();

  int64_t skipped_rows() const;
  std::vector<std::string> problems() const;  // the first few skipped rows, "file:line: what"

 private:
  Batch prepare(const std::vector<int64_t>& indices);

  const Dataset& data_;
  BatchLoaderOptions options_;
  std::deque<std::future<Batch>> queue_;
  mutable std::mutex mutex_;
  int64_t skipped_ = 0;
  std::vector<std::string> problems_;
};

}  // namespace ofapt
