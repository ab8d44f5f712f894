#include "text/ofa_vocabulary.h"

#include <cctype>
#include <cstdio>

#include "util/error.h"
#include "util/file.h"

namespace ofapt::text {
namespace {

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "<prefix>digits>", e.g. "<bin_12>" with prefix "<bin_".
bool is_numbered(const std::string& s, const std::string& prefix) {
  return s.size() > prefix.size() + 1 && s.compare(0, prefix.size(), prefix) == 0 && s.back() == '>' &&
         all_digits(s.substr(prefix.size(), s.size() - prefix.size() - 1));
}

// Entries of a vocab.json that BPE never produces: they are symbols, rendered as written.
bool is_hf_symbol(const std::string& token) {
  return token == "<s>" || token == "<pad>" || token == "</s>" || token == "<unk>" || token == "<mask>" ||
         is_numbered(token, "<code_") || is_numbered(token, "<bin_") ||
         (token.size() > 10 && token.compare(0, 10, "madeupword") == 0 && all_digits(token.substr(10)));
}

std::string madeupword(int i) {
  char name[24];
  std::snprintf(name, sizeof(name), "madeupword%04d", i);
  return name;
}

// Python's str.rstrip() for the ASCII whitespace a dict.txt line can end with.
std::string_view rstrip(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

int64_t OfaVocabulary::add(const std::string& text, bool bpe, bool overwrite) {
  auto& ids = bpe ? bpe_ids_ : symbol_ids_;
  const auto existing = ids.find(text);
  if (existing != ids.end() && !overwrite) return existing->second;
  const int64_t id = size();
  entries_.push_back({text, bpe});
  ids[text] = id;
  return id;
}

void OfaVocabulary::add_fairseq_specials() {
  for (const char* special : {"<s>", "<pad>", "</s>", "<unk>"}) add(special, false);
}

void OfaVocabulary::add_ofa_symbols() {
  mask_id_ = add("<mask>", false);
  for (int i = 0; i < kNumCodes; ++i) code_ids_.push_back(add(str("<code_", i, ">"), false));
  for (int i = 0; i < kNumBins; ++i) bin_ids_.push_back(add(str("<bin_", i, ">"), false));
}

OfaVocabulary OfaVocabulary::identity(const TokenVocabulary& gpt2) {
  OfaVocabulary vocab;
  vocab.add_fairseq_specials();
  for (int64_t id = 0; id <= gpt2.max_id(); ++id) {
    const std::string* token = gpt2.token(id);
    OFAPT_CHECK(token, ErrorKind::kSchema, "GPT-2 vocabulary (encoder.json) has no token with id ", id,
                "; the identity layout needs ids 0..", gpt2.max_id());
    vocab.add(*token, true);
  }
  // fairseq pads dictionaries to a multiple of 8 with these; OFA's dict.txt ends with three of them.
  for (int i = 0; vocab.size() % 8 != 0; ++i) vocab.add(madeupword(i), false);
  vocab.add_ofa_symbols();
  return vocab;
}

OfaVocabulary OfaVocabulary::from_fairseq_dict(const std::string& dict_path, const TokenVocabulary& gpt2) {
  const std::string text = read_file(dict_path);
  OfaVocabulary vocab;
  vocab.add_fairseq_specials();
  size_t line_number = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line = rstrip(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    ++line_number;
    // Like fairseq's Dictionary.add_from_file: "<word> <count>", optionally " #fairseq:overwrite".
    auto split_last = [&](std::string_view& rest) {
      const size_t space = rest.rfind(' ');
      OFAPT_CHECK(space != std::string_view::npos, ErrorKind::kFormat, dict_path, ":", line_number,
                  ": expected \"<token> <count> [#fairseq:overwrite]\", got \"", line, "\"");
      std::string field(rest.substr(space + 1));
      rest = rest.substr(0, space);
      return field;
    };
    std::string_view rest = line;
    std::string field = split_last(rest);
    const bool overwrite = field == "#fairseq:overwrite";
    if (overwrite) field = split_last(rest);
    OFAPT_CHECK(all_digits(field), ErrorKind::kFormat, dict_path, ":", line_number, ": count \"", field,
                "\" is not a non-negative integer");
    const std::string word(rest);
    OFAPT_CHECK(!word.empty(), ErrorKind::kFormat, dict_path, ":", line_number, ": empty token");
    // Words are GPT-2 ids in decimal; anything else (madeupword0000) is a symbol BPE never produces.
    const bool bpe = all_digits(word);
    std::string entry = word;
    if (bpe) {
      const std::string* token = word.size() <= 9 ? gpt2.token(std::stoll(word)) : nullptr;
      OFAPT_CHECK(token, ErrorKind::kSchema, dict_path, ":", line_number, ": GPT-2 id ", word,
                  " is not in encoder.json");
      entry = *token;
    }
    const auto& ids = bpe ? vocab.bpe_ids_ : vocab.symbol_ids_;
    OFAPT_CHECK(overwrite || !ids.count(entry), ErrorKind::kSchema, dict_path, ":", line_number, ": duplicate token \"",
                word, "\" (mark it #fairseq:overwrite to allow)");
    vocab.add(entry, bpe, overwrite);
  }
  OFAPT_CHECK(vocab.size() > 4, ErrorKind::kFormat, dict_path, ": no dictionary entries");
  vocab.add_ofa_symbols();
  return vocab;
}

OfaVocabulary OfaVocabulary::from_hf_vocab(const TokenVocabulary& hf_vocab, const std::string& origin) {
  const char* specials[] = {"<s>", "<pad>", "</s>", "<unk>"};
  for (int64_t id = 0; id < 4; ++id) {
    const std::optional<int64_t> found = hf_vocab.find(specials[id]);
    OFAPT_CHECK(found == id, ErrorKind::kSchema, origin, ": \"", specials[id], "\" must have id ", id, ", has ",
                found ? std::to_string(*found) : std::string("none"));
  }
  OfaVocabulary vocab;
  for (int64_t id = 0; id <= hf_vocab.max_id(); ++id) {
    const std::string* token = hf_vocab.token(id);
    OFAPT_CHECK(token, ErrorKind::kSchema, origin, ": no token has id ", id, " (model ids must be contiguous)");
    vocab.add(*token, !is_hf_symbol(*token));
  }
  vocab.add_ofa_symbols();
  return vocab;
}

int64_t OfaVocabulary::code_id(int i) const {
  OFAPT_CHECK(i >= 0 && i < kNumCodes, ErrorKind::kInput, "image code ", i, " outside [0, ", kNumCodes, ")");
  return code_ids_[i];
}

int64_t OfaVocabulary::bin_id(int i) const {
  OFAPT_CHECK(i >= 0 && i < kNumBins, ErrorKind::kInput, "location bin ", i, " outside [0, ", kNumBins, ")");
  return bin_ids_[i];
}

int64_t OfaVocabulary::bpe_token_id(const std::string& token_string) const {
  const auto it = bpe_ids_.find(token_string);
  return it == bpe_ids_.end() ? kUnk : it->second;
}

std::optional<int64_t> OfaVocabulary::symbol_id(const std::string& symbol) const {
  const auto it = symbol_ids_.find(symbol);
  if (it == symbol_ids_.end()) return std::nullopt;
  return it->second;
}

}  // namespace ofapt::text
