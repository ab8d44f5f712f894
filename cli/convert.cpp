// ofapt convert: any supported checkpoint -> a clean directory (config.json + model.safetensors).
#include <iostream>

#include "cli/command.h"
#include "checkpoint/model_files.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::cli {
namespace {

struct ConvertOptions {
  std::string model;
  std::string out;
  std::string dtype = "float32";
  bool use_ema = false;
};

torch::ScalarType parse_dtype(const std::string& name) {
  if (name == "float32" || name == "fp32") return torch::kFloat;
  if (name == "float16" || name == "fp16") return torch::kHalf;
  if (name == "bfloat16" || name == "bf16") return torch::kBFloat16;
  throw Error(ErrorKind::kUsage, str("unknown --dtype '", name, "' (float32, float16 or bfloat16)"));
}

int run(const ConvertOptions& options) {
  const auto dtype = parse_dtype(options.dtype);
  auto contents = read_checkpoint(options.model, {options.use_ema});
  auto model = build_model(contents);
  ModelWriteOptions write_options;
  write_options.dtype = dtype;
  write_options.extra_config = {{"ofapt_converted_from", {{"path", options.model}, {"format", contents.format}}}};
  save_model(model, options.out, write_options);
  // Tokenizer files travel with the model so the directory is self-contained.
  for (const char* name : {"vocab.json", "merges.txt", "encoder.json", "vocab.bpe", "dict.txt"}) {
    const std::string source = join_path(contents.directory, name);
    if (!contents.directory.empty() && file_exists(source)) {
      write_file_atomic(join_path(options.out, name), read_file(source));
    }
  }
  std::cout << nlohmann::json{{"out", options.out}, {"from", contents.format}, {"dtype", options.dtype}}.dump()
            << "\n";
  return 0;
}

OFAPT_COMMAND("convert", "Write any supported checkpoint as config.json + model.safetensors", [](CLI::App& app) {
  auto options = std::make_shared<ConvertOptions>();
  app.add_option("--model", options->model, "Checkpoint directory or file")->required();
  app.add_option("--out", options->out, "Output directory")->required();
  app.add_option("--dtype", options->dtype, "Storage dtype: float32, float16 or bfloat16")->capture_default_str();
  app.add_flag("--ema", options->use_ema, "Convert the EMA weights of a fairseq checkpoint");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
