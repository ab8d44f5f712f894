#include "util/hash.h"

#include <cstdio>
#include <cstring>

namespace ofapt {
namespace {

// One multiply-xorshift round per 8-byte word (the mixing step of splitmix64).
uint64_t mix(uint64_t state, uint64_t word) {
  uint64_t z = (state ^ word) * 0xbf58476d1ce4e5b9ULL;
  z ^= z >> 31;
  z *= 0x94d049bb133111ebULL;
  return z ^ (z >> 29);
}

}  // namespace

Hash64& Hash64::update(const void* data, size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  size_t offset = 0;
  for (; offset + 8 <= size; offset += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + offset, 8);
    state_ = mix(state_, word);
  }
  if (offset < size) {
    uint64_t word = 0;
    std::memcpy(&word, bytes + offset, size - offset);
    state_ = mix(state_, word ^ (static_cast<uint64_t>(size - offset) << 56));
  }
  length_ += size;
  return *this;
}

Hash64& Hash64::update(const std::string& text) {
  const uint64_t size = text.size();
  update(&size, sizeof(size));
  return update(text.data(), text.size());
}

uint64_t Hash64::value() const { return mix(state_, length_); }

std::string Hash64::hex() const {
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(value()));
  return buffer;
}

}  // namespace ofapt
