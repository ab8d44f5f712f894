// ofapt generate: beam search from bos with length limits, no-repeat n-grams, forced prefix and constraints.
#include <iostream>

#include "cli/command.h"
#include "cli/model_options.h"
#include "model/generator.h"
#include "model/model_inputs.h"
#include "text/ofa_tokenizer.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::cli {
namespace {

struct GenerateOptions {
  ModelInputOptions inputs;
  GenerationOptions generation;
  std::string prefix_ids;       // forced after bos
  std::string constraint_range; // "a,b"
  std::string trie_file;        // one allowed sequence of ids per line
};

SequenceTrie read_trie(const std::string& path) {
  SequenceTrie trie;
  std::istringstream lines(read_file(path));
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    trie.insert(parse_id_list(line, str(path, ":", number)));
  }
  OFAPT_CHECK(!trie.empty(), ErrorKind::kInput, path, ": no sequences");
  return trie;
}

int run(GenerateOptions& options) {
  auto loaded = load_inputs(options.inputs);
  if (!options.constraint_range.empty()) {
    auto range = parse_id_list(options.constraint_range, "--constraint-range");
    OFAPT_CHECK(range.size() == 2, ErrorKind::kUsage, "--constraint-range takes two ids: a,b");
    options.generation.constraint_begin = range[0];
    options.generation.constraint_end = range[1];
  }
  SequenceTrie trie;
  if (!options.trie_file.empty()) {
    trie = read_trie(options.trie_file);
    options.generation.trie = &trie;
  }
  EncoderInput input;
  input.tokens = torch::tensor(loaded.source_ids, torch::kLong).unsqueeze(0);
  if (loaded.image.defined()) input.images = loaded.image.unsqueeze(0);
  torch::Tensor prefix;
  if (!options.prefix_ids.empty()) {
    prefix = torch::tensor(parse_id_list(options.prefix_ids, "--prefix-ids"), torch::kLong).unsqueeze(0);
  }
  auto hypotheses = generate(loaded.model, input, options.generation, loaded.prompt(1), prefix);
  std::unique_ptr<text::OfaTokenizer> tokenizer;
  try {
    tokenizer = std::make_unique<text::OfaTokenizer>(text::load_tokenizer(loaded.contents.directory));
  } catch (const Error&) {
    // Ids in, ids out: text is optional when no tokenizer files are around.
  }
  nlohmann::json results = nlohmann::json::array();
  for (const auto& hypothesis : hypotheses[0]) {
    nlohmann::json result{{"ids", hypothesis.tokens},
                          {"score", hypothesis.score},
                          {"token_logprobs", hypothesis.token_logprobs}};
    if (tokenizer && tokenizer->size() == loaded.model->config().vocab_size) {
      result["text"] = tokenizer->decode(hypothesis.tokens);
    }
    results.push_back(result);
  }
  nlohmann::json output = results.empty() ? nlohmann::json{{"ids", nlohmann::json::array()}} : results[0];
  if (options.generation.nbest > 1) output["nbest"] = results;
  std::cout << output.dump() << "\n";
  return 0;
}

OFAPT_COMMAND("generate", "Generate from bos with beam search (prints ids, text, score as JSON)", [](CLI::App& app) {
  auto options = std::make_shared<GenerateOptions>();
  add_model_options(app, options->inputs);
  auto& g = options->generation;
  app.add_option("--beam", g.beam_size, "Beam size (1 = greedy)")->capture_default_str();
  app.add_option("--min-len", g.min_length, "Minimum generated tokens before eos is allowed")->capture_default_str();
  app.add_option("--max-len", g.max_length, "Maximum generated tokens after bos")->capture_default_str();
  app.add_flag("--force-eos", g.force_eos_at_max, "At --max-len emit a scored eos (fairseq semantics)");
  app.add_option("--no-repeat-ngram", g.no_repeat_ngram_size, "Block repeated n-grams of this size (0 = off)");
  app.add_option("--lenpen", g.length_penalty, "Length penalty: score / length^lenpen")->capture_default_str();
  app.add_flag_function("--unnormalized", [&g](int64_t) { g.normalize_scores = false; }, "Rank by the raw sum of log-probs");
  app.add_option("--temperature", g.temperature, "Divide logits by this")->capture_default_str();
  app.add_option("--nbest", g.nbest, "Also list the N best hypotheses")->capture_default_str();
  app.add_option("--prefix-ids", options->prefix_ids, "Tokens forced after bos, e.g. a question for VQA");
  app.add_option("--constraint-range", options->constraint_range, "Only generate ids in [a,b) (and specials 0-3)");
  app.add_option("--trie", options->trie_file, "File of allowed id sequences (one per line) after the prefix");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
