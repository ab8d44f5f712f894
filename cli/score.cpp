// ofapt score: log p(tgt[i+1] | image, src, tgt[0..i]) per target token, one example or a JSONL batch.
#include <fstream>
#include <iostream>

#include "cli/command.h"
#include "cli/model_options.h"
#include "image/decode.h"
#include "model/model_inputs.h"
#include "model/scoring.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::cli {
namespace {

struct ScoreOptions {
  ModelInputOptions inputs;
  std::string target_ids;
  std::string target;
  std::string batch;  // JSONL: {"image", "source_ids"|"source", "target_ids"|"target"} per line
};

std::vector<int64_t> ids_field(const nlohmann::json& line, const char* ids_key, const char* text_key,
                               const std::string& model_dir, const std::string& where) {
  if (line.contains(ids_key)) {
    const auto& ids = line.at(ids_key);
    if (ids.is_string()) return parse_id_list(ids.get<std::string>(), where + " " + ids_key);
    OFAPT_CHECK(ids.is_array(), ErrorKind::kInput, where, ": '", ids_key, "' must be a list of ids");
    std::vector<int64_t> out;
    for (const auto& id : ids) {
      OFAPT_CHECK(id.is_number_integer(), ErrorKind::kInput, where, ": '", ids_key, "' holds a non-integer ",
                  id.dump());
      out.push_back(id.get<int64_t>());
    }
    return out;
  }
  OFAPT_CHECK(line.contains(text_key) && line.at(text_key).is_string(), ErrorKind::kInput, where, ": needs '",
              ids_key, "' or '", text_key, "'");
  return encode_sentence(model_dir, line.at(text_key).get<std::string>());
}

int run_batch(const ScoreOptions& options) {
  const std::string directory = options.batch.find('/') == std::string::npos
                                    ? "."
                                    : options.batch.substr(0, options.batch.find_last_of('/'));
  auto contents = read_checkpoint(options.inputs.model, {options.inputs.use_ema});
  auto model = build_model(contents);
  auto method = load_tuned_option(options.inputs.tuned, model);
  std::ifstream in(options.batch);
  OFAPT_CHECK(in.good(), ErrorKind::kIo, options.batch, ": cannot open");
  std::vector<ScoringExample> examples;
  std::string text;
  for (int line_number = 1; std::getline(in, text); ++line_number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = str(options.batch, ":", line_number);
    nlohmann::json line;
    try {
      line = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw Error(ErrorKind::kInput, str(where, ": not valid JSON (", e.what(), ")"));
    }
    OFAPT_CHECK(line.is_object(), ErrorKind::kInput, where, ": expected a JSON object");
    ScoringExample example;
    if (line.contains("image")) {
      OFAPT_CHECK(line["image"].is_string(), ErrorKind::kInput, where, ": 'image' must be a path");
      std::string path = line["image"].get<std::string>();
      if (!file_exists(path) && path[0] != '/') path = join_path(directory, path);
      const RgbImage image = read_image(path);
      const int64_t size = options.inputs.image_size > 0 ? options.inputs.image_size : image.width;
      example.image = image_tensor(image, size);
    }
    example.source_ids = ids_field(line, "source_ids", "source", contents.directory, where);
    example.target_ids = ids_field(line, "target_ids", "target", contents.directory, where);
    examples.push_back(std::move(example));
  }
  const PromptKV prompt = method ? method->prompt(static_cast<int64_t>(examples.size())) : PromptKV{};
  for (const auto& logprobs : score_targets(model, examples, prompt)) {
    std::cout << nlohmann::json{{"token_logprobs", logprobs}}.dump() << "\n";
  }
  return 0;
}

int run(const ScoreOptions& options) {
  if (!options.batch.empty()) return run_batch(options);
  auto loaded = load_inputs(options.inputs);
  OFAPT_CHECK(options.target_ids.empty() != options.target.empty(), ErrorKind::kUsage,
              "give exactly one of --target-ids and --target");
  ScoringExample example{loaded.image, loaded.source_ids,
                         options.target_ids.empty() ? encode_sentence(loaded.contents.directory, options.target)
                                                    : parse_id_list(options.target_ids, "--target-ids")};
  auto logprobs = score_targets(loaded.model, {example}, loaded.prompt(1));
  std::cout << nlohmann::json{{"token_logprobs", logprobs[0]}}.dump() << "\n";
  return 0;
}

OFAPT_COMMAND("score", "Score target tokens: log p(tgt[i+1] | image, src, tgt[..i])", [](CLI::App& app) {
  auto options = std::make_shared<ScoreOptions>();
  add_model_options(app, options->inputs);
  app.add_option("--target-ids", options->target_ids, "Target ids, starting with bos, e.g. \"0 8 1712 2\"");
  app.add_option("--target", options->target, "Target text (tokenised as [bos] text [eos])");
  app.add_option("--batch", options->batch,
                 "JSONL file: one {image, source_ids|source, target_ids|target} per line, scored as one batch");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
