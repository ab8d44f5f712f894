// The generic task file: any image + source text -> target text task, one row per line,
//   uniq_id <TAB> image <TAB> source text <TAB> target text
// image is a base64 JPEG/PNG (standard or URL-safe, as OFA's TSVs store it) or empty for text only.
// Source and target are tokenized as OFA's tasks do (" " + text; source [bos] .. [eos], target .. [eos]);
// vocabulary symbols such as <bin_12> are kept as single tokens. The four paper tasks have their own
// readers (src/tasks); this one lets a user tune on anything with the same shape.
#pragma once

#include <memory>
#include <string>

#include "data/dataset.h"
#include "text/ofa_tokenizer.h"

namespace ofapt {

struct TsvReadOptions {
  int64_t image_size = 0;          // S: images are resized to S x S (required when rows have images)
  int64_t max_source_tokens = 80;  // longer sources are truncated (reference: max_src_length 80)
  int64_t max_target_tokens = 20;  // longer targets are truncated (reference: max_tgt_length 20)
  bool skip_bad_rows = false;      // false: a malformed row is fatal; true: reported, counted and skipped
};

struct TsvReadReport {
  int64_t rows = 0;
  int64_t skipped = 0;
  std::vector<std::string> problems;  // "file:line: what", the first few
};

// Throws Error(kInput) naming file and line for a malformed row (unless skipped), Error(kIo) when
// the file cannot be read.
std::unique_ptr<ExampleList> read_seq2seq_tsv(const std::string& path, const text::OfaTokenizer& tokenizer,
                                              const TsvReadOptions& options, TsvReadReport* report = nullptr);

}  // namespace ofapt
