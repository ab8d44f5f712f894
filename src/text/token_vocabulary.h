// A token-string <-> id table read from a JSON object {"token": id, ...}: GPT-2's encoder.json or a
// Hugging Face vocab.json. Token strings are in GPT-2's byte-level form ("Ġthe").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace ofapt::text {

class TokenVocabulary {
 public:
  TokenVocabulary() = default;
  // Throws Error(kSchema) naming `origin` on a negative id or two tokens sharing an id.
  TokenVocabulary(const std::vector<std::pair<std::string, int64_t>>& entries, const std::string& origin);

  // Throws Error naming the file when it is missing, not JSON, or not an object of integer ids.
  static TokenVocabulary load_json(const std::string& path);

  std::optional<int64_t> find(const std::string& token) const;
  // The token with this id, or nullptr when no token has it.
  const std::string* token(int64_t id) const;

  size_t size() const { return ids_.size(); }
  int64_t max_id() const { return static_cast<int64_t>(tokens_.size()) - 1; }  // -1 when empty
  const std::unordered_map<std::string, int64_t>& ids() const { return ids_; }

 private:
  std::unordered_map<std::string, int64_t> ids_;
  std::vector<std::optional<std::string>> tokens_;  // by id; gaps are nullopt
};

}  // namespace ofapt::text
