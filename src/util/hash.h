// A fast non-cryptographic 64-bit hash for fingerprints (base-model identity, file consistency).
// It detects accidental mismatch (another base model, a torn write), not tampering.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ofapt {

class Hash64 {
 public:
  Hash64& update(const void* data, size_t size);
  Hash64& update(const std::string& text);  // length-prefixed, so ("ab","c") != ("a","bc")
  uint64_t value() const;
  std::string hex() const;  // 16 lowercase hex digits

 private:
  uint64_t state_ = 0x9e3779b97f4a7c15ULL;
  uint64_t length_ = 0;
};

}  // namespace ofapt
