// Datasets the trainer reads: indexable examples, and the deterministic order of each epoch
// (a function of seed and epoch only, so a resumed run sees exactly the batches the first one would).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data/example.h"

namespace ofapt {

// Examples are built on demand (a task dataset reads and decodes its row then), so `get` may be
// called from several loader threads at once and may throw Error(kInput) for a malformed row.
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  virtual Example get(int64_t index) const = 0;
  virtual std::string name() const = 0;  // the file it came from (logs, errors)
};

class ExampleList : public Dataset {
 public:
  ExampleList(std::string name, std::vector<Example> examples)
      : name_(std::move(name)), examples_(std::move(examples)) {}
  int64_t size() const override { return static_cast<int64_t>(examples_.size()); }
  Example get(int64_t index) const override { return examples_.at(index); }
  std::string name() const override { return name_; }

 private:
  std::string name_;
  std::vector<Example> examples_;
};

// A permutation of [0, size): Fisher-Yates over splitmix64(seed, epoch), identical on every platform.
std::vector<int64_t> epoch_order(int64_t size, uint64_t seed, int64_t epoch);

// Rows [0, size) in order, cut into batches of at most batch_size: how evaluation walks a split.
std::vector<std::vector<int64_t>> consecutive_batches(int64_t size, int64_t batch_size);

}  // namespace ofapt
