#include "data/dataset.h"

#include <numeric>

#include "util/error.h"
#include "util/random.h"

namespace ofapt {
std::vector<int64_t> epoch_order(int64_t size, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order(size);
  std::iota(order.begin(), order.end(), 0);
  SplitMix64 rng(seed * 0x100000001b3ULL + static_cast<uint64_t>(epoch));
  for (int64_t i = size - 1; i > 0; --i) {
    const auto j = static_cast<int64_t>(rng.next() % static_cast<uint64_t>(i + 1));
    std::swap(order[i], order[j]);
  }
  return order;
}

std::vector<std::vector<int64_t>> consecutive_batches(int64_t size, int64_t batch_size) {
  OFAPT_CHECK(batch_size > 0, ErrorKind::kUsage, "batch size must be positive, got ", batch_size);
  std::vector<std::vector<int64_t>> batches;
  for (int64_t begin = 0; begin < size; begin += batch_size) {
    batches.emplace_back(std::min(batch_size, size - begin));
    std::iota(batches.back().begin(), batches.back().end(), begin);
  }
  return batches;
}

}  // namespace ofapt
