#include "text/token_vocabulary.h"

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/file.h"

namespace ofapt::text {
namespace {

// Far above any real vocabulary; rejects a corrupt id before it sizes the reverse table.
constexpr int64_t kMaxId = 1 << 24;

}  // namespace

TokenVocabulary::TokenVocabulary(const std::vector<std::pair<std::string, int64_t>>& entries,
                                 const std::string& origin) {
  for (const auto& [token, id] : entries) {
    OFAPT_CHECK(id >= 0 && id < kMaxId, ErrorKind::kSchema, origin, ": token \"", token, "\" has id ", id,
                " outside [0, ", kMaxId, ")");
    if (static_cast<size_t>(id) >= tokens_.size()) tokens_.resize(id + 1);
    OFAPT_CHECK(!tokens_[id], ErrorKind::kSchema, origin, ": tokens \"", *tokens_[id], "\" and \"", token,
                "\" share id ", id);
    OFAPT_CHECK(ids_.emplace(token, id).second, ErrorKind::kSchema, origin, ": token \"", token, "\" repeats");
    tokens_[id] = token;
  }
}

TokenVocabulary TokenVocabulary::load_json(const std::string& path) {
  const std::string text = read_file(path);
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kFormat, str(path, ": not valid JSON (", e.what(), ")"));
  }
  OFAPT_CHECK(json.is_object(), ErrorKind::kFormat, path, ": expected a JSON object of token ids, got ",
              json.type_name());
  std::vector<std::pair<std::string, int64_t>> entries;
  entries.reserve(json.size());
  for (const auto& [token, id] : json.items()) {
    OFAPT_CHECK(id.is_number_integer(), ErrorKind::kFormat, path, ": token \"", token, "\" has a non-integer id ",
                id.dump());
    entries.emplace_back(token, id.get<int64_t>());
  }
  return TokenVocabulary(entries, path);
}

std::optional<int64_t> TokenVocabulary::find(const std::string& token) const {
  const auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

const std::string* TokenVocabulary::token(int64_t id) const {
  if (id < 0 || id >= static_cast<int64_t>(tokens_.size()) || !tokens_[id]) return nullptr;
  return &*tokens_[id];
}

}  // namespace ofapt::text
