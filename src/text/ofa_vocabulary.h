// OFA's model vocabulary (ofa-spec §2): the fairseq specials, the BPE dictionary, then <mask>, the
// 8192 image codes and the 1000 location bins. It maps GPT-2 token strings and symbols to model ids.
//
//   0..3   <s> <pad> </s> <unk>
//   4..    dictionary entries (GPT-2 tokens, then madeupword padding)
//   then   <mask>, <code_0>..<code_8191>, <bin_0>..<bin_999>      -> V = 59457 for GPT-2's 50257 tokens
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "text/token_vocabulary.h"

namespace ofapt::text {

class OfaVocabulary {
 public:
  static constexpr int64_t kBos = 0;
  static constexpr int64_t kPad = 1;
  static constexpr int64_t kEos = 2;
  static constexpr int64_t kUnk = 3;
  static constexpr int kNumCodes = 8192;
  static constexpr int kNumBins = 1000;

  // ofapt's own layout, needing no dictionary file: entry 4 + i is GPT-2 id i, then madeupwords
  // up to a multiple of 8 (as fairseq pads), so with GPT-2's encoder.json <mask> = 50264, V = 59457.
  static OfaVocabulary identity(const TokenVocabulary& gpt2);
  // fairseq's dict.txt ("<gpt2-id> <count>" per line, in model-id order) read through encoder.json.
  static OfaVocabulary from_fairseq_dict(const std::string& dict_path, const TokenVocabulary& gpt2);
  // A Hugging Face (BART-style) vocab.json already holding model ids. <mask>, <code_i> and <bin_i>
  // are taken from it when present and otherwise appended after the largest id, as OFATokenizer's
  // add_tokens does. The four specials must sit at 0..3.
  static OfaVocabulary from_hf_vocab(const TokenVocabulary& hf_vocab, const std::string& origin);

  int64_t size() const { return static_cast<int64_t>(entries_.size()); }
  int64_t mask_id() const { return mask_id_; }
  int64_t code_id(int i) const;  // <code_i>, 0 <= i < kNumCodes
  int64_t bin_id(int i) const;   // <bin_i>, 0 <= i < kNumBins

  // Model id of a BPE token in byte-level form ("Ġthe"); <unk> when the dictionary lacks it.
  int64_t bpe_token_id(const std::string& token_string) const;
  // Model id of a non-BPE symbol: "<s>", "<mask>", "<bin_12>", "madeupword0000"...
  std::optional<int64_t> symbol_id(const std::string& symbol) const;

  bool is_bpe(int64_t id) const { return entries_.at(id).bpe; }
  // The BPE token (byte-level form) or the symbol at `id`.
  const std::string& entry(int64_t id) const { return entries_.at(id).text; }

 private:
  struct Entry {
    std::string text;
    bool bpe;
  };

  // fairseq Dictionary.add_symbol: an existing symbol keeps its id unless `overwrite`.
  int64_t add(const std::string& text, bool bpe, bool overwrite = false);
  void add_fairseq_specials();
  void add_ofa_symbols();

  std::vector<Entry> entries_;
  std::unordered_map<std::string, int64_t> bpe_ids_;
  std::unordered_map<std::string, int64_t> symbol_ids_;
  int64_t mask_id_ = -1;
  std::vector<int64_t> code_ids_;
  std::vector<int64_t> bin_ids_;
};

}  // namespace ofapt::text
