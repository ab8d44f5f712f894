// splitmix64: a tiny, well-mixed PRNG whose stream is the same on every platform and compiler
// (std:: distributions are not), for data that tests pin byte for byte.
#pragma once

#include <cstdint>
#include <vector>

namespace ofapt {

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for n far below 2^32.
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
  // In [low, high], both included.
  int between(int low, int high) { return low + below(high - low + 1); }
  // True with probability percent / 100.
  bool chance(int percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& items) { return items[below(static_cast<int>(items.size()))]; }
  // Fisher-Yates.
  template <typename T>
  void shuffle(std::vector<T>& items) {
    for (int i = static_cast<int>(items.size()) - 1; i > 0; --i) std::swap(items[i], items[below(i + 1)]);
  }

 private:
  uint64_t state_;
};

// A seed for stream `index` of `seed`, independent of every other (seed, index) pair in practice.
inline uint64_t derive_seed(uint64_t seed, uint64_t index) {
  SplitMix64 mix(seed ^ (index * 0xD1B54A32D192ED03ull));
  mix.next();
  return mix.next();
}

}  // namespace ofapt
