#include "text/byte_level_bpe.h"

#include <array>
#include <climits>
#include <mutex>

#include "text/pretokenize.h"
#include "text/unicode.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::text {
namespace {

// bytes_to_unicode() of GPT-2's encoder.py: printable Latin-1 bytes stand for themselves, the other 68
// bytes take the characters from U+0100 upwards, in byte order.
struct ByteAlphabet {
  std::array<char32_t, 256> to_char{};
  std::array<int16_t, 0x144> to_byte{};  // indexed by character; -1 outside the alphabet

  ByteAlphabet() {
    to_byte.fill(-1);
    char32_t next = 0x100;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      to_char[b] = printable ? static_cast<char32_t>(b) : next++;
      to_byte[to_char[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteAlphabet& alphabet() {
  static const ByteAlphabet instance;
  return instance;
}

uint64_t pair_key(int32_t left, int32_t right) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) | static_cast<uint32_t>(right);
}

// Splits a merges line on ASCII blanks, as Python's str.split() does for these files.
std::vector<std::string_view> split_blanks(std::string_view line) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    if (end > pos) parts.push_back(line.substr(pos, end - pos));
    pos = end;
  }
  return parts;
}

}  // namespace

struct ByteLevelBpe::Cache {
  std::mutex mutex;
  std::unordered_map<std::string, std::vector<int32_t>> pieces;
};

ByteLevelBpe::ByteLevelBpe(const std::vector<Merge>& merges) : cache_(std::make_unique<Cache>()) {
  token_index_.reserve(256 + merges.size());
  rules_.reserve(merges.size());
  for (int b = 0; b < 256; ++b) intern(std::string(1, static_cast<char>(b)));
  // Intern every result first: a rule may use a token that only a later-ranked rule produces.
  for (const Merge& merge : merges) intern(merge.first + merge.second);
  for (size_t rank = 0; rank < merges.size(); ++rank) {
    const auto left = token_index_.find(merges[rank].first);
    const auto right = token_index_.find(merges[rank].second);
    // A side that no rule produces can never occur in a word, so its rule can never fire.
    if (left == token_index_.end() || right == token_index_.end()) continue;
    // A repeated rule keeps its last rank, like Python's dict(zip(merges, range(len(merges)))).
    rules_[pair_key(left->second, right->second)] = {static_cast<int32_t>(rank),
                                                     token_index_.at(merges[rank].first + merges[rank].second)};
  }
}

ByteLevelBpe::ByteLevelBpe(ByteLevelBpe&&) noexcept = default;
ByteLevelBpe& ByteLevelBpe::operator=(ByteLevelBpe&&) noexcept = default;
ByteLevelBpe::~ByteLevelBpe() = default;

int32_t ByteLevelBpe::intern(const std::string& bytes) {
  const auto [it, inserted] = token_index_.emplace(bytes, static_cast<int32_t>(token_bytes_.size()));
  if (inserted) {
    token_bytes_.push_back(bytes);
    token_strings_.push_back(bytes_to_token_string(bytes));
  }
  return it->second;
}

ByteLevelBpe ByteLevelBpe::load(const std::string& merges_path) {
  const std::string text = read_file(merges_path);
  std::vector<Merge> merges;
  size_t line_number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.empty() || (line_number == 1 && line.substr(0, 8) == "#version")) continue;
    const std::vector<std::string_view> parts = split_blanks(line);
    OFAPT_CHECK(parts.size() == 2, ErrorKind::kFormat, merges_path, ":", line_number,
                ": expected a merge rule \"left right\", got \"", line, "\"");
    std::optional<std::string> left = token_string_to_bytes(parts[0]);
    std::optional<std::string> right = token_string_to_bytes(parts[1]);
    OFAPT_CHECK(left && right, ErrorKind::kFormat, merges_path, ":", line_number, ": \"", line,
                "\" has a character outside GPT-2's byte-level alphabet");
    merges.emplace_back(std::move(*left), std::move(*right));
  }
  OFAPT_CHECK(!merges.empty(), ErrorKind::kFormat, merges_path, ": no merge rules");
  return ByteLevelBpe(merges);
}

std::vector<int32_t> ByteLevelBpe::merge_piece(std::string_view piece) const {
  std::vector<int32_t> word(piece.size());
  for (size_t i = 0; i < piece.size(); ++i) word[i] = static_cast<unsigned char>(piece[i]);
  std::vector<int32_t> merged;
  // GPT-2's loop: apply the best-ranked adjacent pair everywhere (left to right), until none has a rule.
  while (word.size() > 1) {
    const MergeRule* best = nullptr;
    uint64_t best_key = 0;
    for (size_t i = 0; i + 1 < word.size(); ++i) {
      const uint64_t key = pair_key(word[i], word[i + 1]);
      const auto rule = rules_.find(key);
      if (rule != rules_.end() && (!best || rule->second.rank < best->rank)) best = &rule->second, best_key = key;
    }
    if (!best) break;
    merged.clear();
    for (size_t i = 0; i < word.size();) {
      if (i + 1 < word.size() && pair_key(word[i], word[i + 1]) == best_key) {
        merged.push_back(best->result);
        i += 2;
      } else {
        merged.push_back(word[i++]);
      }
    }
    word.swap(merged);
  }
  return word;
}

void ByteLevelBpe::encode(std::string_view text, std::vector<int32_t>& tokens) const {
  std::vector<std::string_view> pieces;
  pretokenize(text, pieces);
  for (std::string_view piece : pieces) {
    if (piece.size() == 1) {
      tokens.push_back(static_cast<unsigned char>(piece[0]));
      continue;
    }
    std::string key(piece);
    {
      std::lock_guard<std::mutex> lock(cache_->mutex);
      const auto hit = cache_->pieces.find(key);
      if (hit != cache_->pieces.end()) {
        tokens.insert(tokens.end(), hit->second.begin(), hit->second.end());
        continue;
      }
    }
    std::vector<int32_t> merged = merge_piece(piece);  // outside the lock: this is the slow part
    tokens.insert(tokens.end(), merged.begin(), merged.end());
    std::lock_guard<std::mutex> lock(cache_->mutex);
    if (cache_->pieces.size() >= kMaxCacheEntries) cache_->pieces.clear();
    cache_->pieces.emplace(std::move(key), std::move(merged));
  }
}

std::vector<std::string> ByteLevelBpe::tokenize(std::string_view text) const {
  std::vector<int32_t> tokens;
  encode(text, tokens);
  std::vector<std::string> strings;
  strings.reserve(tokens.size());
  for (int32_t token : tokens) strings.push_back(token_strings_[token]);
  return strings;
}

std::string ByteLevelBpe::bytes_to_token_string(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char b : bytes) append_utf8(alphabet().to_char[static_cast<unsigned char>(b)], out);
  return out;
}

std::optional<std::string> ByteLevelBpe::token_string_to_bytes(std::string_view token_string) {
  std::string out;
  out.reserve(token_string.size());
  for (size_t pos = 0; pos < token_string.size();) {
    const Utf8Char ch = decode_utf8(token_string, pos);
    if (!ch.valid || ch.code_point >= alphabet().to_byte.size() || alphabet().to_byte[ch.code_point] < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(alphabet().to_byte[ch.code_point]);
    pos += ch.length;
  }
  return out;
}

}  // namespace ofapt::text
