#include "data/batch_loader.h"

#include <algorithm>

#include "util/error.h"
#include "util/threading.h"

namespace ofapt {

BatchLoader::BatchLoader(const Dataset& data, BatchLoaderOptions options) : data_(data), options_(std::move(options)) {
  for (int64_t t = 0; t < std::max<int64_t>(1, options_.decode_threads); ++t) workers_.emplace_back([this] { work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  job_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void BatchLoader::work() {
  single_threaded_ops_on_this_thread();
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    job_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    Example example;
    std::string error;
    std::exception_ptr failure;
    try {
      example = data_.get(job.batch->indices[job.row]);
    } catch (const Error& e) {
      if (options_.skip_bad_rows && e.kind() == ErrorKind::kInput) {
        error = e.what();
      } else {
        failure = std::current_exception();
      }
    } catch (...) {
      failure = std::current_exception();
    }
    lock.lock();
    job.batch->examples[job.row] = std::move(example);
    job.batch->errors[job.row] = std::move(error);
    if (failure && !job.batch->failure) job.batch->failure = failure;
    --job.batch->remaining;
    row_done_.notify_all();
  }
}

void BatchLoader::schedule(std::vector<int64_t> indices) {
  auto batch = std::make_shared<PendingBatch>();
  const auto rows = static_cast<int64_t>(indices.size());
  batch->indices = std::move(indices);
  batch->examples.resize(rows);
  batch->errors.resize(rows);
  batch->remaining = rows;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batches_.push_back(batch);
    for (int64_t r = 0; r < rows; ++r) jobs_.push_back({batch, r});
  }
  job_ready_.notify_all();
}

int64_t BatchLoader::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(batches_.size());
}

Batch BatchLoader::next() {
  std::shared_ptr<PendingBatch> batch;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    OFAPT_CHECK(!batches_.empty(), ErrorKind::kInternal, "batch loader: next() with nothing scheduled");
    batch = batches_.front();
    batches_.pop_front();
    row_done_.wait(lock, [&] { return batch->remaining == 0; });
    for (const auto& error : batch->errors) {
      if (error.empty()) continue;
      ++skipped_;
      if (problems_.size() < 20) problems_.push_back(error);
    }
  }
  if (batch->failure) std::rethrow_exception(batch->failure);
  std::vector<Example> kept;
  std::vector<int64_t> kept_indices;
  for (size_t r = 0; r < batch->indices.size(); ++r) {
    if (!batch->errors[r].empty()) continue;
    kept.push_back(std::move(batch->examples[r]));
    kept_indices.push_back(batch->indices[r]);
  }
  if (kept.empty()) return Batch{};
  Batch collated = collate(kept, kept_indices, options_.collate);
  return options_.pin_memory ? collated.pinned() : collated;
}

int64_t BatchLoader::skipped_rows() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return skipped_;
}

std::vector<std::string> BatchLoader::problems() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return problems_;
}

}  // namespace ofapt
