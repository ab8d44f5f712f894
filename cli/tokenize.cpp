// ofapt tokenize: text lines -> JSON arrays of token ids, or back with --decode (docs/tokenizer.md).
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "text/ofa_tokenizer.h"
#include "text/token_id_lines.h"
#include "util/error.h"

namespace ofapt::cli {
namespace {

struct TokenizeOptions {
  std::string input;          // text (or id) lines to read; "-" is stdin
  std::string model;          // model directory holding tokenizer files; empty: default BPE files
  std::string ids = "model";  // "model" (OFA model ids) or "gpt2" (raw GPT-2 ids)
  bool decode = false;        // read JSON id arrays and write JSON strings instead
  bool symbols = false;       // encode "<bin_12>"-style symbols in the text directly
};

std::function<int()> setup_tokenize(CLI::App& app) {
  auto options = std::make_shared<TokenizeOptions>();
  app.add_option("--input", options->input, "Input file, one item per line ('-' for stdin)")->required();
  app.add_option("--model", options->model,
                 "Model directory with vocab.json+merges.txt or encoder.json+vocab.bpe[+dict.txt] "
                 "(default: $OFAPT_BPE_DIR or .deps/gpt2-bpe)");
  app.add_option("--ids", options->ids, "Id space: model (OFA vocabulary) or gpt2 (encoder.json)")
      ->check(CLI::IsMember({"model", "gpt2"}))
      ->capture_default_str();
  app.add_flag("--decode", options->decode, "Read JSON id arrays, write the decoded text as JSON strings");
  app.add_flag("--symbols", options->symbols, "Encode <bin_i>, <code_i>, <mask> written in the text as their ids");
  return [options] {
    const text::OfaTokenizer tokenizer = text::load_tokenizer(options->model);
    std::ifstream file;
    if (options->input != "-") {
      file.open(options->input, std::ios::binary);
      OFAPT_CHECK(file.good(), ErrorKind::kIo, options->input, ": cannot open");
    }
    std::istream& in = options->input == "-" ? std::cin : file;
    const std::string source = options->input == "-" ? "<stdin>" : options->input;
    text::TokenIdLinesOptions lines;
    lines.ids = options->ids == "gpt2" ? text::IdSpace::kGpt2 : text::IdSpace::kModel;
    lines.symbols = options->symbols;
    std::ios::sync_with_stdio(false);
    if (options->decode) {
      text::decode_lines(tokenizer, in, std::cout, source, lines);
    } else {
      text::encode_lines(tokenizer, in, std::cout, lines);
    }
    OFAPT_CHECK(!in.bad(), ErrorKind::kIo, source, ": read failed");
    std::cout.flush();
    OFAPT_CHECK(std::cout.good(), ErrorKind::kIo, "writing to stdout failed");
    return 0;
  };
}

}  // namespace

OFAPT_COMMAND("tokenize", "Tokenize text lines into OFA or GPT-2 ids (JSON lines), or decode them back",
              setup_tokenize);

}  // namespace ofapt::cli
