#include "data/seq2seq_tsv.h"

#include "data/tsv_file.h"
#include "image/base64.h"
#include "image/decode.h"
#include "model/model_inputs.h"
#include "text/ofa_vocabulary.h"
#include "util/error.h"

namespace ofapt {
namespace {

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
  const TsvFile file(path);
  TsvReadReport local;
  TsvReadReport& counts = report != nullptr ? *report : local;
  std::vector<Example> examples;
  for (int64_t row = 0; row < file.rows(); ++row) {
    ++counts.rows;
    try {
      examples.push_back(parse_row(file.fields(row), file.where(row), tokenizer, options));
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
