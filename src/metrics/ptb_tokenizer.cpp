// pycocoevalcap's PTBTokenizer.tokenize on top of the PTB lexer.
#include "metrics/ptb_tokenizer.h"

#include "metrics/ptb_chars.h"
#include "metrics/ptb_lexer.h"
#include "metrics/utf8.h"
#include "util/error.h"

namespace ofapt {

bool is_coco_punctuation(const std::string& token) {
  static const char* const kPunctuations[] = {"''", "'", "``", "`", "-LRB-", "-RRB-", "-LCB-", "-RCB-", ".",
                                              "?",  "!", ",",  ":", "-",     "--",    "...",   ";"};
  for (const char* p : kPunctuations) {
    if (token == p) return true;
  }
  return false;
}

std::vector<std::string> ptb_tokenize_captions(const std::vector<std::string>& captions,
                                               const PtbTokenizerOptions& options) {
  // The Python wrapper replaces "\n" inside a caption; the other line breaks the lexer knows would
  // shift every later caption onto the wrong line there, so they become spaces here as well.
  std::string stream;
  for (size_t k = 0; k < captions.size(); ++k) {
    if (k > 0) stream.push_back('\n');
    std::u32string caption = decode_utf8(captions[k]);
    for (char32_t& c : caption) {
      if (ptb::is_newline(c)) c = ' ';
    }
    stream += encode_utf8(caption);
  }
  const std::vector<std::vector<std::string>> lines = ptb_lex_lines(stream);
  OFAPT_CHECK(captions.empty() || lines.size() == captions.size(), ErrorKind::kInternal,
              "PTB tokenizer: ", captions.size(), " captions gave ", lines.size(), " lines");
  std::vector<std::string> tokenized;
  tokenized.reserve(captions.size());
  for (size_t k = 0; k < captions.size(); ++k) {
    std::string joined;
    bool first = true;
    for (const std::string& raw : lines[k]) {
      const std::string token = options.lower_case ? encode_utf8(ptb::to_lower(decode_utf8(raw))) : raw;
      if (options.drop_punctuation && is_coco_punctuation(token)) continue;
      if (!first) joined.push_back(' ');
      joined += token;
      first = false;
    }
    tokenized.push_back(std::move(joined));
  }
  return tokenized;
}

std::string ptb_tokenize(const std::string& caption, const PtbTokenizerOptions& options) {
  return ptb_tokenize_captions({caption}, options).front();
}

}  // namespace ofapt
