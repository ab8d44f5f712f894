// GPT-2 byte-level BPE: text -> pre-tokenizer pieces -> bytes -> ranked merges -> BPE tokens.
// Tokens are indices into this object's own token table (0..255 are the single bytes, then one per
// distinct merge result); a vocabulary (encoder.json, dict.txt, vocab.json) maps them to ids.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ofapt::text {

class ByteLevelBpe {
 public:
  // One merge rule as raw bytes (left, right); a rule's rank is its position in the list.
  using Merge = std::pair<std::string, std::string>;

  explicit ByteLevelBpe(const std::vector<Merge>& merges);
  ByteLevelBpe(ByteLevelBpe&&) noexcept;
  ByteLevelBpe& operator=(ByteLevelBpe&&) noexcept;
  ~ByteLevelBpe();

  // Reads GPT-2's vocab.bpe or Hugging Face's merges.txt: a "#version" line, then "left right" per
  // line in byte-level form. Throws Error naming the file and line when it is missing or malformed.
  static ByteLevelBpe load(const std::string& merges_path);

  // Appends the BPE tokens of `text`. Thread-safe; pieces seen before come from a cache.
  void encode(std::string_view text, std::vector<int32_t>& tokens) const;
  // The tokens of `text` in byte-level form ("Ġthe"), for tests and debugging.
  std::vector<std::string> tokenize(std::string_view text) const;

  size_t num_tokens() const { return token_bytes_.size(); }
  const std::string& token_bytes(int32_t token) const { return token_bytes_[token]; }
  const std::string& token_string(int32_t token) const { return token_strings_[token]; }

  // GPT-2's reversible bytes <-> printable characters map: every byte becomes one visible character,
  // so tokens never hold spaces or control characters ("Ġ" is the space byte).
  static std::string bytes_to_token_string(std::string_view bytes);
  // The inverse; nullopt when a character is outside the 256-character alphabet.
  static std::optional<std::string> token_string_to_bytes(std::string_view token_string);

  // Cached pieces before the cache is emptied, so a long run over a huge corpus stays bounded.
  static constexpr size_t kMaxCacheEntries = 1 << 20;

 private:
  struct Cache;
  struct MergeRule {
    int32_t rank;
    int32_t result;
  };

  std::vector<int32_t> merge_piece(std::string_view piece) const;
  int32_t intern(const std::string& bytes);

  std::vector<std::string> token_bytes_;
  std::vector<std::string> token_strings_;
  std::unordered_map<std::string, int32_t> token_index_;  // raw bytes -> token
  std::unordered_map<uint64_t, MergeRule> rules_;         // (left << 32 | right) -> rule
  std::unique_ptr<Cache> cache_;
};

}  // namespace ofapt::text
