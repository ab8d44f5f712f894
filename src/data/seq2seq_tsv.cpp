#include "data/seq2seq_tsv.h"

#include <fstream>

#include "image/base64.h"
#include "image/decode.h"
#include "model/model_inputs.h"
#include "text/ofa_vocabulary.h"
#include "util/error.h"

namespace ofapt {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t begin = 0;
  while (true) {
    const auto tab = line.find('\t', begin);
    fields.push_back(line.substr(begin, tab == std::string::npos ? std::string::npos : tab - begin));
    if (tab == std::string::npos) return fields;
    begin = tab + 1;
  }
}

Example parse_row(const std::vector<std::string>& fields, const std::string& where,
                  const text::OfaTokenizer& tokenizer, const TsvReadOptions& options) {
  OFAPT_CHECK(fields.size() == 4, ErrorKind::kInput, where, ": expected 4 tab-separated columns (id, image, source, "
              "target), found ", fields.size());
  Example example;
  example.id = fields[0];
  OFAPT_CHECK(!example.id.empty(), ErrorKind::kInput, where, ": empty id");
  if (!fields[1].empty()) {
    OFAPT_CHECK(options.image_size > 0, ErrorKind::kUsage, where, ": the row has an image but no image size was set");
    const std::string bytes = base64_decode(fields[1], where + " image");
    example.image = image_tensor(decode_image(bytes, where + " image"), options.image_size);
  }
  auto source = tokenizer.encode_with_symbols(" " + fields[2]);
  auto target = tokenizer.encode_with_symbols(" " + fields[3]);
  OFAPT_CHECK(!target.empty(), ErrorKind::kInput, where, ": empty target text");
  if (static_cast<int64_t>(source.size()) > options.max_source_tokens) source.resize(options.max_source_tokens);
  if (static_cast<int64_t>(target.size()) > options.max_target_tokens) target.resize(options.max_target_tokens);
  example.source.push_back(text::OfaVocabulary::kBos);
  example.source.insert(example.source.end(), source.begin(), source.end());
  example.source.push_back(text::OfaVocabulary::kEos);
  example.target = target;
  example.target.push_back(text::OfaVocabulary::kEos);
  return example;
}

}  // namespace

std::unique_ptr<ExampleList> read_seq2seq_tsv(const std::string& path, const text::OfaTokenizer& tokenizer,
                                              const TsvReadOptions& options, TsvReadReport* report) {
  std::ifstream in(path);
  OFAPT_CHECK(in.good(), ErrorKind::kIo, path, ": cannot open");
  TsvReadReport local;
  TsvReadReport& counts = report != nullptr ? *report : local;
  std::vector<Example> examples;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    ++counts.rows;
    const std::string where = path + ":" + std::to_string(number);
    try {
      examples.push_back(parse_row(split_tabs(line), where, tokenizer, options));
    } catch (const Error& error) {
      if (!options.skip_bad_rows || error.kind() == ErrorKind::kUsage) throw;
      ++counts.skipped;
      if (counts.problems.size() < 20) counts.problems.push_back(error.what());
    }
  }
  OFAPT_CHECK(!examples.empty(), ErrorKind::kInput, path, ": no usable rows (", counts.rows, " read, ",
              counts.skipped, " skipped)");
  return std::make_unique<ExampleList>(path, std::move(examples));
}

}  // namespace ofapt
