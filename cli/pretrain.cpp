// ofapt pretrain: multi-task training of a whole model on the synthetic world's pretraining split
// (caption, refcoco, vqa rows mixed in every batch), from a preset's random initialisation or a
// checkpoint. Writes a base model directory that tune/eval/demo load like any other (docs/world.md).
#include <iostream>

#include "checkpoint/model_files.h"
#include "cli/command.h"
#include "cli/task_options.h"
#include "data/mixture_dataset.h"
#include "tasks/task_dataset.h"
#include "train/trainer.h"
#include "train/validator.h"
#include "tuning/make_method.h"
#include "tuning/tuning_spec.h"
#include "util/device.h"
#include "util/error.h"
#include "util/file.h"
#include "util/threading.h"

namespace ofapt::cli {
namespace {

struct PretrainOptions {
  std::string world;            // directory written by `ofapt synth --split pretrain`
  std::string model;            // start from this checkpoint instead of a preset
  std::string preset = "nano";
  uint64_t init_seed = 1;
  bool entangle_positions = false;  // the model adds absolute positions to its embeddings too
  std::string save_dtype = "float16";
  // What trains on the mixture: the whole model (finetune), or a tuning method on a frozen --model,
  // e.g. the source prompt that prompt init=transfer starts downstream prompts from.
  std::string method = "finetune";
  TaskOptions task;             // image size, token limits, bins
  TrainerOptions trainer;
};

torch::ScalarType storage_dtype(const std::string& name) {
  if (name == "float16") return torch::kHalf;
  if (name == "bfloat16") return torch::kBFloat16;
  OFAPT_CHECK(name == "float32", ErrorKind::kUsage, "--save-dtype '", name, "' is not float16, bfloat16 or float32");
  return torch::kFloat;
}

int run(PretrainOptions& options) {
  configure_cpu_threads();
  const std::string manifest_path = join_path(options.world, "world.json");
  OFAPT_CHECK(file_exists(manifest_path), ErrorKind::kUsage, options.world,
              ": no world.json (write the data with `ofapt synth --split pretrain --out DIR`)");
  const auto manifest = nlohmann::json::parse(read_file(manifest_path), nullptr, false);
  OFAPT_CHECK(manifest.is_object() && manifest.value("format", "") == "ofapt-world", ErrorKind::kFormat, manifest_path,
              ": not an ofapt world manifest");
  // Boxes are normalised by the world's own image side, so the location bins span the whole picture.
  options.task.max_image_size = manifest.value("image_size", options.task.max_image_size);

  OfaModel model{nullptr};
  std::string tokenizer_dir;
  if (!options.model.empty()) {
    CheckpointContents contents = read_checkpoint(options.model);
    if (options.entangle_positions) {
      contents.config["entangle_position_embedding"] = true;
      contents.config["decoder_entangle_position_embedding"] = true;
    }
    model = build_model(contents);
    tokenizer_dir = contents.directory;
  } else {
    OfaConfig config = OfaConfig::preset(options.preset);
    config.entangle_position_embedding = options.entangle_positions;
    config.decoder_entangle_position_embedding = options.entangle_positions;
    torch::manual_seed(options.init_seed);
    model = OfaModel(config);
    model->initialize_weights(options.init_seed);
  }
  model->to(parse_device(options.trainer.device, "--device"));
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(tokenizer_dir));
  OFAPT_CHECK(tokenizer->size() == model->config().vocab_size, ErrorKind::kSchema, "the tokenizer has ",
              tokenizer->size(), " ids, the model ", model->config().vocab_size);

  TaskCliOptions task_options;
  task_options.task = options.task;
  task_options.answers_file = join_path(options.world, "answers.txt");
  std::vector<std::unique_ptr<Dataset>> train_parts, valid_parts;
  std::vector<std::string> tasks;
  for (const char* name : {"caption", "refcoco", "vqa", "snli_ve"}) {
    const std::string train_path = join_path(options.world, std::string(name) + "_train.tsv");
    if (!file_exists(train_path)) continue;
    task_options.name = name;
    TaskCliOptions this_task = task_options;
    if (std::string(name) == "snli_ve") this_task.answers_file.clear();  // its own yes/no/maybe
    auto task = build_task(this_task, tokenizer);
    train_parts.push_back(std::make_unique<TaskDataset>(task, train_path, /*training=*/true));
    // Validation is the mixture's token loss: teacher-forced rows in the training layout. Caption val
    // rows hold every reference &&-joined, which is no training target, so captions are left out.
    const std::string valid_path = join_path(options.world, std::string(name) + "_val.tsv");
    if (file_exists(valid_path) && std::string(name) != "caption") {
      valid_parts.push_back(std::make_unique<TaskDataset>(task, valid_path, /*training=*/true));
    }
    tasks.emplace_back(name);
  }
  OFAPT_CHECK(!train_parts.empty(), ErrorKind::kUsage, options.world, ": no *_train.tsv task files");
  const MixtureDataset train(std::move(train_parts));
  std::unique_ptr<MixtureDataset> valid;
  if (!valid_parts.empty()) valid = std::make_unique<MixtureDataset>(std::move(valid_parts));
  SequenceValidatorOptions validation;
  validation.metric = "loss";
  SequenceValidator validator(validation);

  const bool whole_model = TuningSpec::parse(options.method).method == "finetune";
  OFAPT_CHECK(whole_model || !options.model.empty(), ErrorKind::kUsage, "--method ", options.method,
              " trains on a frozen model: give it with --model");
  torch::manual_seed(options.trainer.seed);
  auto method = attach_method(options.method, model);
  std::cerr << "pretraining " << count_parameters(model->config()) << " parameters on " << train.size() << " rows ("
            << train.name() << ")\n";
  const nlohmann::json run_info = {{"task", "pretrain"},
                                   {"world", options.world},
                                   {"world_seed", manifest.value("seed", 0)},
                                   {"tasks", tasks},
                                   {"preset", options.model.empty() ? options.preset : ""},
                                   {"init_seed", options.init_seed},
                                   {"entangle_positions", model->config().entangle_position_embedding},
                                   {"image_size", options.task.image_size},
                                   {"max_image_size", options.task.max_image_size}};
  const TrainSummary summary =
      train_method(*method, train, valid.get(), valid ? &validator : nullptr, options.trainer, run_info);

  if (!whole_model) {
    // The trainer wrote the method's tuned-task directories (best/ by val loss, final/).
    std::cout << nlohmann::json{{"steps", summary.steps},
                                {"first_loss", summary.first_loss},
                                {"last_loss", summary.last_loss},
                                {"best_metric", summary.best_metric},
                                {"seconds", summary.seconds},
                                {"tuned", join_path(options.trainer.output_dir, "final")}}
                     .dump()
              << "\n";
    return 0;
  }
  ModelWriteOptions write;
  write.dtype = storage_dtype(options.save_dtype);
  write.extra_config = {{"ofapt_pretrain", run_info}};
  write.extra_config["ofapt_pretrain"]["steps"] = summary.steps;
  write.extra_config["ofapt_pretrain"]["batch_size"] = options.trainer.batch_size;
  write.extra_config["ofapt_pretrain"]["learning_rate"] = options.trainer.learning_rate;
  write.extra_config["ofapt_pretrain"]["seed"] = options.trainer.seed;
  write.extra_config["ofapt_pretrain"]["last_loss"] = summary.last_loss;
  const std::string model_dir = join_path(options.trainer.output_dir, "model");
  save_model(model, model_dir, write);
  std::cout << nlohmann::json{{"steps", summary.steps},
                              {"first_loss", summary.first_loss},
                              {"last_loss", summary.last_loss},
                              {"best_metric", summary.best_metric},
                              {"seconds", summary.seconds},
                              {"model", model_dir}}
                   .dump()
            << "\n";
  return 0;
}

OFAPT_COMMAND("pretrain", "Multi-task pretraining of a whole model on the synthetic world (ofapt synth --split pretrain)",
              [](CLI::App& app) {
  auto options = std::make_shared<PretrainOptions>();
  auto& t = options->trainer;
  auto& task = options->task;
  task.image_size = 128;
  task.max_target_tokens = 24;
  t.learning_rate = 5e-4;
  t.batch_size = 16;
  t.max_steps = 2000;
  t.valid_every = 500;
  t.save_every = 100;
  t.label_smoothing = 0.1;
  app.add_option("--world", options->world, "Directory from `ofapt synth --split pretrain`")->required();
  app.add_option("--output", t.output_dir, "Output directory (log, resumable state, model/)")->required();
  app.add_option("--model", options->model, "Continue from this checkpoint instead of a preset");
  app.add_option("--preset", options->preset, "Architecture of a fresh model")->capture_default_str();
  app.add_option("--method", options->method,
                 "What trains: finetune (the whole model) or a tuning spec on a frozen --model (e.g. a source "
                 "prompt for prompt init=transfer)")
      ->capture_default_str();
  app.add_option("--init-seed", options->init_seed, "Seed of the fresh model's weights")->capture_default_str();
  app.add_flag("--entangle-positions", options->entangle_positions,
               "The model (fresh or --model) also adds absolute positions to its embeddings "
               "(entangle_position_embedding), so its hidden states carry where each patch is");
  app.add_option("--save-dtype", options->save_dtype, "Storage dtype of model/: float16, bfloat16 or float32")
      ->capture_default_str();
  app.add_option("--image-size", task.image_size, "Resize images to S x S")->capture_default_str();
  app.add_option("--max-target-tokens", task.max_target_tokens)->capture_default_str();
  app.add_option("--steps", t.max_steps, "Updates to train (0 = --epochs)")->capture_default_str();
  app.add_option("--epochs", t.max_epochs)->capture_default_str();
  app.add_option("--batch-size", t.batch_size)->capture_default_str();
  app.add_option("--update-freq", t.update_freq)->capture_default_str();
  app.add_option("--lr", t.learning_rate, "Peak learning rate")->capture_default_str();
  app.add_option("--warmup-ratio", t.warmup_ratio)->capture_default_str();
  app.add_option("--weight-decay", t.weight_decay)->capture_default_str();
  app.add_option("--clip-norm", t.clip_norm)->capture_default_str();
  app.add_option("--label-smoothing", t.label_smoothing)->capture_default_str();
  app.add_option("--seed", t.seed, "Data order and dropout")->capture_default_str();
  app.add_option("--log-every", t.log_every)->capture_default_str();
  app.add_option("--valid-every", t.valid_every, "Updates between validation-loss checks (0 = at the end)")
      ->capture_default_str();
  app.add_option("--save-every", t.save_every)->capture_default_str();
  app.add_option("--device", t.device, "cpu or cuda[:i]")->capture_default_str();
  app.add_flag_function("--fp32", [&t](int64_t) { t.bf16 = false; }, "No bf16 autocast on CUDA");
  app.add_flag("--quiet", t.quiet, "No progress lines");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
