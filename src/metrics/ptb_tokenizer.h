// What pycocoevalcap's PTBTokenizer (tokenizer/ptbtokenizer.py) makes of captions: the captions,
// newlines replaced by spaces, are written one per line and run through CoreNLP 3.4.1's
// PTBTokenizer with -preserveLines -lowerCase; then the tokens in its PUNCTUATIONS list are
// dropped and the rest joined by single spaces.
//
// Two consequences of that pipeline are kept on purpose: lowercasing happens after lexing, so
// "(" becomes "-lrb-" and survives the (uppercase) "-LRB-" filter; and captions are lexed as one
// stream, so the lookahead of a few rules sees the start of the next caption.
#pragma once

#include <string>
#include <vector>

namespace ofapt {

struct PtbTokenizerOptions {
  bool lower_case = true;        // -lowerCase: lowercase every token after lexing
  bool drop_punctuation = true;  // drop pycocoevalcap's PUNCTUATIONS ('' ' `` ` -LRB- . ? ! , : - -- ... ; and kin)
};

// pycocoevalcap's PUNCTUATIONS list: the tokens dropped after tokenizing (case-sensitive).
bool is_coco_punctuation(const std::string& token);

// The tokenized form of each caption, in order, as one PTBTokenizer call over all of them.
std::vector<std::string> ptb_tokenize_captions(const std::vector<std::string>& captions,
                                               const PtbTokenizerOptions& options = {});

// One caption on its own (as the last line of the stream).
std::string ptb_tokenize(const std::string& caption, const PtbTokenizerOptions& options = {});

}  // namespace ofapt
