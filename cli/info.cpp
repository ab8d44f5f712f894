// ofapt info: what a checkpoint is (format, config, parameter counts) or what a preset would be.
#include <iostream>

#include "cli/command.h"
#include "checkpoint/model_files.h"
#include "tuning/make_method.h"
#include "util/error.h"

namespace ofapt::cli {
namespace {

struct InfoOptions {
  std::string model;
  std::string preset;
  bool use_ema = false;
  std::string method;  // tuning spec: also report what it would train
};

// Trainable vs total parameters of a tuning method on `model`, and its tuned-task file size in bytes.
nlohmann::json method_counts(const std::string& spec, OfaModel model) {
  auto method = attach_method(spec, std::move(model));
  const int64_t trainable = method->trainable_parameter_count();
  const int64_t total = method->total_parameter_count();
  int64_t exported = 0;
  for (const auto& entry : method->export_tensors()) exported += entry.second.numel();
  return {{"spec", method->spec()},
          {"trainable_parameters", trainable},
          {"total_parameters", total},
          {"trainable_percent", 100.0 * static_cast<double>(trainable) / static_cast<double>(total)},
          {"tuned_file_values", exported}};
}

int run(const InfoOptions& options) {
  OFAPT_CHECK(options.model.empty() != options.preset.empty(), ErrorKind::kUsage, "give one of --model or --preset");
  nlohmann::json info;
  if (!options.preset.empty()) {
    const OfaConfig config = OfaConfig::preset(options.preset);
    info = {{"preset", options.preset}, {"config", config.to_json()}, {"parameters", count_parameters(config)}};
    if (!options.method.empty()) info["method"] = method_counts(options.method, OfaModel(config));
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
    if (!options.method.empty()) info["method"] = method_counts(options.method, model);
  }
  std::cout << info.dump(1) << "\n";
  return 0;
}

OFAPT_COMMAND("info", "Describe a checkpoint (format, config, parameter counts) or a preset", [](CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  app.add_option("--model", options->model, "Checkpoint directory or file");
  app.add_option("--preset", options->preset, "micro, nano, tiny, medium, base, large or huge (no weights needed)");
  app.add_flag("--ema", options->use_ema, "Describe the EMA weights of a fairseq checkpoint");
  app.add_option("--method", options->method, "A tuning spec: also report its trainable vs total parameters");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
