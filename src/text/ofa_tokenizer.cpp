#include "text/ofa_tokenizer.h"

#include "text/unicode.h"
#include "util/error.h"

namespace ofapt::text {

OfaTokenizer::OfaTokenizer(std::shared_ptr<const ByteLevelBpe> bpe, OfaVocabulary vocabulary,
                           std::optional<TokenVocabulary> gpt2)
    : bpe_(std::move(bpe)), vocabulary_(std::move(vocabulary)), gpt2_(std::move(gpt2)) {
  // Flat tables, so encoding a token is an index rather than a string hash.
  model_id_of_token_.resize(bpe_->num_tokens());
  gpt2_id_of_token_.resize(bpe_->num_tokens(), -1);
  for (size_t t = 0; t < bpe_->num_tokens(); ++t) {
    const std::string& token = bpe_->token_string(static_cast<int32_t>(t));
    model_id_of_token_[t] = vocabulary_.bpe_token_id(token);
    if (gpt2_) gpt2_id_of_token_[t] = gpt2_->find(token).value_or(-1);
  }
  model_bytes_.resize(vocabulary_.size());
  for (int64_t id = 0; id < vocabulary_.size(); ++id) {
    if (id == OfaVocabulary::kBos || id == OfaVocabulary::kPad || id == OfaVocabulary::kEos) continue;
    const std::string& entry = vocabulary_.entry(id);
    // A vocab.json entry outside the byte-level alphabet cannot be BPE output; show it as written.
    std::optional<std::string> bytes =
        vocabulary_.is_bpe(id) ? ByteLevelBpe::token_string_to_bytes(entry) : std::nullopt;
    model_bytes_[id] = bytes ? *bytes : entry;
  }
}

void OfaTokenizer::append_model_ids(std::string_view text, std::vector<int64_t>& ids) const {
  std::vector<int32_t> tokens;
  bpe_->encode(text, tokens);
  for (int32_t token : tokens) ids.push_back(model_id_of_token_[token]);
}

std::vector<int64_t> OfaTokenizer::encode(std::string_view text) const {
  std::vector<int64_t> ids;
  append_model_ids(text, ids);
  return ids;
}

std::vector<int64_t> OfaTokenizer::encode_gpt2(std::string_view text) const {
  OFAPT_CHECK(gpt2_, ErrorKind::kUsage, "GPT-2 ids need encoder.json, which this tokenizer was loaded without");
  std::vector<int32_t> tokens;
  bpe_->encode(text, tokens);
  std::vector<int64_t> ids;
  ids.reserve(tokens.size());
  for (int32_t token : tokens) {
    OFAPT_CHECK(gpt2_id_of_token_[token] >= 0, ErrorKind::kSchema, "BPE token \"", bpe_->token_string(token),
                "\" is not in encoder.json (the merges file and encoder.json do not belong together)");
    ids.push_back(gpt2_id_of_token_[token]);
  }
  return ids;
}

std::vector<int64_t> OfaTokenizer::encode_with_symbols(std::string_view text) const {
  std::vector<int64_t> ids;
  size_t piece_start = 0;  // start of the text not yet encoded
  bool strip_piece_left = false;
  for (size_t pos = 0;;) {
    const size_t open = text.find('<', pos);
    const size_t close = open == std::string_view::npos ? open : text.find('>', open + 1);
    if (close == std::string_view::npos) break;
    const std::optional<int64_t> symbol = vocabulary_.symbol_id(std::string(text.substr(open, close + 1 - open)));
    if (!symbol) {
      pos = open + 1;
      continue;
    }
    // Hugging Face's added-token rules in OFATokenizer: <code_i>/<bin_i> (add_tokens) eat the whitespace
    // on both sides, BART's <mask> only before it, and <s> </s> <pad> <unk> none.
    const bool is_special = *symbol <= OfaVocabulary::kUnk;
    const std::string_view piece = text.substr(piece_start, open - piece_start);
    append_model_ids(strip_python_space(piece, strip_piece_left, !is_special), ids);
    ids.push_back(*symbol);
    strip_piece_left = !is_special && *symbol != vocabulary_.mask_id();
    piece_start = pos = close + 1;
  }
  append_model_ids(strip_python_space(text.substr(piece_start), strip_piece_left, false), ids);
  return ids;
}

std::string OfaTokenizer::decode(const std::vector<int64_t>& ids) const {
  std::string bytes;
  for (int64_t id : ids) {
    OFAPT_CHECK(id >= 0 && id < vocabulary_.size(), ErrorKind::kInput, "token id ", id,
                " is outside the vocabulary [0, ", vocabulary_.size(), ")");
    bytes += model_bytes_[id];
  }
  return replace_invalid_utf8(bytes);
}

std::string OfaTokenizer::decode_gpt2(const std::vector<int64_t>& ids) const {
  OFAPT_CHECK(gpt2_, ErrorKind::kUsage, "GPT-2 ids need encoder.json, which this tokenizer was loaded without");
  std::string bytes;
  for (int64_t id : ids) {
    const std::string* token = gpt2_->token(id);
    OFAPT_CHECK(token, ErrorKind::kInput, "GPT-2 id ", id, " is not in encoder.json");
    std::optional<std::string> raw = ByteLevelBpe::token_string_to_bytes(*token);
    bytes += raw ? *raw : *token;
  }
  return replace_invalid_utf8(bytes);
}

}  // namespace ofapt::text
