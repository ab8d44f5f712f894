// ofapt init: a randomly initialised model of a preset or config.json, written as a checkpoint directory.
#include <iostream>

#include "cli/command.h"
#include "checkpoint/model_files.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::cli {
namespace {

struct InitOptions {
  std::string preset;
  std::string config;
  std::string out;
  uint64_t seed = 1;
};

int run(const InitOptions& options) {
  OFAPT_CHECK(options.preset.empty() != options.config.empty(), ErrorKind::kUsage,
              "give one of --preset or --config");
  OfaConfig config = options.preset.empty()
                         ? OfaConfig::from_json(nlohmann::json::parse(read_file(options.config)), options.config)
                         : OfaConfig::preset(options.preset);
  torch::manual_seed(options.seed);
  OfaModel model(config);
  model->initialize_weights(options.seed);
  ModelWriteOptions write_options;
  write_options.extra_config = {{"ofapt_init", {{"seed", options.seed}, {"preset", options.preset}}}};
  save_model(model, options.out, write_options);
  std::cout << nlohmann::json{{"out", options.out}, {"parameters", count_parameters(config)}}.dump() << "\n";
  return 0;
}

OFAPT_COMMAND("init", "Write a randomly initialised model (preset or config.json)", [](CLI::App& app) {
  auto options = std::make_shared<InitOptions>();
  app.add_option("--preset", options->preset, "micro, nano, tiny, medium, base, large or huge");
  app.add_option("--config", options->config, "A config.json to build instead of a preset");
  app.add_option("--out", options->out, "Output directory")->required();
  app.add_option("--seed", options->seed, "Random seed")->capture_default_str();
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
