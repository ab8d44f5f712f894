// load_tokenizer: which files make a tokenizer, and where they are looked for (ofa_tokenizer.h).
#include <cstdlib>

#include "text/ofa_tokenizer.h"
#include "util/error.h"
#include "util/file.h"

#ifndef OFAPT_DEFAULT_BPE_DIR
#define OFAPT_DEFAULT_BPE_DIR ".deps/gpt2-bpe"
#endif

namespace ofapt::text {
namespace {

bool has(const std::string& dir, const char* name) { return file_exists(join_path(dir, name)); }

// Both files of a pair, or neither: half a layout is a mistake worth naming.
bool has_pair(const std::string& dir, const char* first, const char* second) {
  const bool a = has(dir, first), b = has(dir, second);
  OFAPT_CHECK(a == b, ErrorKind::kIo, join_path(dir, a ? second : first), ": missing (",
              join_path(dir, a ? first : second), " is there, and the tokenizer needs both)");
  return a;
}

OfaTokenizer fairseq_tokenizer(const std::string& bpe_dir, const std::string& dict_path) {
  auto bpe = std::make_shared<const ByteLevelBpe>(ByteLevelBpe::load(join_path(bpe_dir, "vocab.bpe")));
  TokenVocabulary gpt2 = TokenVocabulary::load_json(join_path(bpe_dir, "encoder.json"));
  OfaVocabulary vocabulary =
      dict_path.empty() ? OfaVocabulary::identity(gpt2) : OfaVocabulary::from_fairseq_dict(dict_path, gpt2);
  return OfaTokenizer(std::move(bpe), std::move(vocabulary), std::move(gpt2));
}

// vocab.json, plus added_tokens.json where save_pretrained put tokens added with add_tokens.
TokenVocabulary hf_vocabulary(const std::string& model_dir) {
  const std::string vocab_path = join_path(model_dir, "vocab.json");
  TokenVocabulary vocab = TokenVocabulary::load_json(vocab_path);
  if (!has(model_dir, "added_tokens.json")) return vocab;
  const std::string added_path = join_path(model_dir, "added_tokens.json");
  std::vector<std::pair<std::string, int64_t>> entries(vocab.ids().begin(), vocab.ids().end());
  const TokenVocabulary added = TokenVocabulary::load_json(added_path);
  for (const auto& entry : added.ids()) {
    // Tokens already in vocab.json keep their id there, as in Hugging Face.
    if (!vocab.find(entry.first)) entries.push_back(entry);
  }
  return TokenVocabulary(entries, str(vocab_path, " + ", added_path));
}

}  // namespace

std::string default_bpe_dir() {
  const char* env = std::getenv("OFAPT_BPE_DIR");
  return env && *env ? env : OFAPT_DEFAULT_BPE_DIR;
}

OfaTokenizer load_tokenizer(const std::string& model_dir) {
  const std::string fallback = default_bpe_dir();
  std::string dict;
  if (!model_dir.empty()) {
    OFAPT_CHECK(is_directory(model_dir), ErrorKind::kIo, model_dir, ": not a directory");
    if (has_pair(model_dir, "vocab.json", "merges.txt")) {
      const std::string vocab_path = join_path(model_dir, "vocab.json");
      auto bpe = std::make_shared<const ByteLevelBpe>(ByteLevelBpe::load(join_path(model_dir, "merges.txt")));
      OfaVocabulary vocabulary = OfaVocabulary::from_hf_vocab(hf_vocabulary(model_dir), vocab_path);
      // GPT-2 ids are optional here: take encoder.json from beside the model or the BPE directory.
      std::optional<TokenVocabulary> gpt2;
      for (const std::string& dir : {model_dir, fallback}) {
        if (has(dir, "encoder.json")) {
          gpt2 = TokenVocabulary::load_json(join_path(dir, "encoder.json"));
          break;
        }
      }
      return OfaTokenizer(std::move(bpe), std::move(vocabulary), std::move(gpt2));
    }
    if (has(model_dir, "dict.txt")) dict = join_path(model_dir, "dict.txt");
    if (has_pair(model_dir, "encoder.json", "vocab.bpe")) return fairseq_tokenizer(model_dir, dict);
  }
  OFAPT_CHECK(has(fallback, "encoder.json") && has(fallback, "vocab.bpe"), ErrorKind::kIo, "no tokenizer files: ",
              model_dir.empty()
                  ? ""
                  : str(model_dir, " has neither vocab.json + merges.txt nor encoder.json + vocab.bpe, and "),
              fallback, " (OFAPT_BPE_DIR, or the default; see scripts/fetch_bpe.sh) lacks encoder.json + vocab.bpe");
  if (dict.empty() && has(fallback, "dict.txt")) dict = join_path(fallback, "dict.txt");
  return fairseq_tokenizer(fallback, dict);
}

}  // namespace ofapt::text
