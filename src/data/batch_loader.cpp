#include "data/batch_loader.h"

#include <algorithm>

#include "util/error.h"

namespace ofapt {

BatchLoader::~BatchLoader() {
  for (auto& batch : queue_) {
    if (batch.valid()) batch.wait();
  }
}

void BatchLoader::schedule(std::vector<int64_t> indices) {
  queue_.push_back(std::async(std::launch::async, [this, indices = std::move(indices)] { return prepare(indices); }));
}

Batch BatchLoader::next() {
  OFAPT_CHECK(!queue_.empty(), ErrorKind::kInternal, "batch loader: next() with nothing scheduled");
  auto future = std::move(queue_.front());
  queue_.pop_front();
  return future.get();
}

Batch BatchLoader::prepare(const std::vector<int64_t>& indices) {
  // Rows are built on up to decode_threads threads, each taking every k-th row.
  const auto rows = static_cast<int64_t>(indices.size());
  std::vector<Example> examples(rows);
  std::vector<std::string> errors(rows);
  auto build = [&](int64_t first) {
    for (int64_t r = first; r < rows; r += std::max<int64_t>(1, options_.decode_threads)) {
      try {
        examples[r] = data_.get(indices[r]);
      } catch (const Error& error) {
        if (!options_.skip_bad_rows || error.kind() != ErrorKind::kInput) throw;
        errors[r] = error.what();
      }
    }
  };
  std::vector<std::future<void>> helpers;
  for (int64_t t = 1; t < std::min(options_.decode_threads, rows); ++t) {
    helpers.push_back(std::async(std::launch::async, build, t));
  }
  build(0);
  for (auto& helper : helpers) helper.get();

  std::vector<Example> kept;
  std::vector<int64_t> kept_indices;
  for (int64_t r = 0; r < rows; ++r) {
    if (!errors[r].empty()) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++skipped_;
      if (problems_.size() < 20) problems_.push_back(errors[r]);
      continue;
    }
    kept.push_back(std::move(examples[r]));
    kept_indices.push_back(indices[r]);
  }
  if (kept.empty()) return Batch{};
  return collate(kept, kept_indices, options_.collate);
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
