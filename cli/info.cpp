// ofapt info: what a checkpoint is (format, config, parameter counts) or what a preset would be.
#include <iostream>

#include "cli/command.h"
#include "checkpoint/model_files.h"
#include "util/error.h"

namespace ofapt::cli {
namespace {

struct InfoOptions {
  std::string model;
  std::string preset;
  bool use_ema = false;
};

int run(const InfoOptions& options) {
  OFAPT_CHECK(options.model.empty() != options.preset.empty(), ErrorKind::kUsage, "give one of --model or --preset");
  nlohmann::json info;
  if (!options.preset.empty()) {
    const OfaConfig config = OfaConfig::preset(options.preset);
    info = {{"preset", options.preset}, {"config", config.to_json()}, {"parameters", count_parameters(config)}};
  } else {
    auto contents = read_checkpoint(options.model, {options.use_ema});
    auto model = build_model(contents);
    int64_t stored = 0;
    for (const auto& entry : contents.tensors) stored += entry.second.numel();
    int64_t parameters = 0, embedding = model->embed_tokens()->weight.numel();
    for (const auto& parameter : model->parameters()) parameters += parameter.numel();
    int64_t resnet = 0;
    for (const auto& parameter : model->encoder()->embed_images()->parameters()) resnet += parameter.numel();
    info = {{"path", options.model},
            {"format", contents.format},
            {"weights", contents.weights_path},
            {"config", model->config().to_json()},
            {"parameters", parameters},
            {"parameters_by_part", {{"shared_embedding", embedding}, {"resnet", resnet},
                                    {"transformer", parameters - embedding - resnet}}},
            {"tensors_in_file", contents.tensors.size()},
            {"values_in_file", stored}};
  }
  std::cout << info.dump(1) << "\n";
  return 0;
}

OFAPT_COMMAND("info", "Describe a checkpoint (format, config, parameter counts) or a preset", [](CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  app.add_option("--model", options->model, "Checkpoint directory or file");
  app.add_option("--preset", options->preset, "micro, tiny, medium, base, large or huge (no weights needed)");
  app.add_flag("--ema", options->use_ema, "Describe the EMA weights of a fairseq checkpoint");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
