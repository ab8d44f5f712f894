// Line-oriented conversions behind `ofapt tokenize`: text lines <-> JSON arrays of token ids.
#pragma once

#include <cstddef>
#include <istream>
#include <ostream>
#include <string>

#include "text/ofa_tokenizer.h"

namespace ofapt::text {

// Which ids the lines hold.
enum class IdSpace {
  kModel,  // OFA model ids (the tokenizer's vocabulary layout)
  kGpt2,   // raw GPT-2 ids (encoder.json)
};

struct TokenIdLinesOptions {
  IdSpace ids = IdSpace::kModel;  // ids to write (encode) or read (decode)
  bool symbols = false;           // encode: "<bin_12>"-style symbols in the text become their ids (model ids only)
};

// Writes one JSON array of ids ("[15496,995]") per '\n'-separated input line; returns the line count.
// A '\r' stays part of its line.
size_t encode_lines(const OfaTokenizer& tokenizer, std::istream& in, std::ostream& out,
                    const TokenIdLinesOptions& options = {});

// Reads one JSON array of ids per line and writes its text as one JSON string per line, so text with
// newlines survives. Throws Error(kInput) naming `source` and the line on a malformed line or bad id.
size_t decode_lines(const OfaTokenizer& tokenizer, std::istream& in, std::ostream& out, const std::string& source,
                    const TokenIdLinesOptions& options = {});

}  // namespace ofapt::text
