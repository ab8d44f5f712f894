// ofapt demo: the paper's story on the synthetic world in minutes on a CPU. Writes the downstream
// data, scores the default model zero-shot, prompt-tunes it (length 64, both stacks), scores it
// again, keeps the prompt file, and prints method | trainable parameters | file size | before |
// after | time. --compare-finetune adds full finetuning of the same model for the same steps, and
// --compare-scratch training the same architecture from random weights (what pretraining is worth).
#include <chrono>
#include <cstdio>
#include <iostream>

#include "checkpoint/model_files.h"
#include "cli/command.h"
#include "cli/model_options.h"
#include "cli/task_options.h"
#include "tasks/task_evaluator.h"
#include "train/task_validator.h"
#include "train/trainer.h"
#include "tuning/make_method.h"
#include "util/error.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/threading.h"
#include "world/world_writer.h"

namespace ofapt::cli {
namespace {

struct DemoOptions {
  std::string model = kDefaultModelDir;
  std::string work = "ofapt-demo";
  std::string task = "snli_ve";
  std::string prompt_spec = "prompt:length=64,depth=both";
  bool compare_finetune = false;
  bool compare_scratch = false;
  int64_t steps = 300;
  int64_t batch_size = 16;
  int64_t eval_rows = 300;
  uint64_t tune_seed = 1;               // initial weights of new tensors, batch order
  double learning_rate = 0.0;           // of the demonstrated method; 0 = its default (make_method.h)
  double finetune_learning_rate = 0.0;  // of the --compare-* runs; 0 = finetune's default
  world::WorldOptions world;
};

struct DemoRow {
  std::string method, canonical;
  int64_t trainable = 0, total = 0;
  int64_t file_bytes = 0;
  double before = 0, after = 0, seconds = 0;
  std::string metric;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Scores `data` with the model (and method, when given) on the task's metric.
TaskEvaluation score(OfaModel& model, TuningMethod* method, const TaskDataset& data, int64_t rows) {
  TaskEvaluationOptions options;
  options.max_samples = rows;
  options.quiet = false;
  if (method != nullptr) method->set_training(false);
  return evaluate_task(model, prompt_of(method), data, options,
                       torch::kCPU);
}

// from_scratch: the same architecture with fresh random weights (what pretraining is worth).
// learning_rate 0 = the method's default (make_method.h).
DemoRow tune_and_score(const DemoOptions& options, const std::string& spec, double learning_rate,
                       const TaskDataset& train, const TaskDataset& valid, double zero_shot,
                       bool from_scratch = false) {
  OfaModel model = load_model(options.model);
  if (from_scratch) {
    torch::manual_seed(options.tune_seed);
    model = OfaModel(model->config());
    model->initialize_weights(options.tune_seed);
  }
  torch::manual_seed(options.tune_seed);
  auto method = attach_method(spec, model);
  DemoRow row;
  row.method = from_scratch ? spec + " (from scratch)" : spec;  // the results file also keeps the canonical spec
  row.canonical = method->spec();
  row.trainable = method->trainable_parameter_count();
  row.total = method->total_parameter_count();
  row.before = from_scratch ? score(model, nullptr, valid, options.eval_rows).value : zero_shot;
  TrainerOptions trainer;
  trainer.output_dir = join_path(options.work, spec.substr(0, spec.find(':')) + (from_scratch ? "-scratch" : ""));
  trainer.max_steps = options.steps;
  trainer.batch_size = options.batch_size;
  trainer.log_every = 25;
  trainer.save_every = 100;
  trainer.seed = options.tune_seed;
  trainer.learning_rate = learning_rate;
  const auto start = std::chrono::steady_clock::now();
  std::cerr << "\n== tuning " << row.method << " for " << options.steps << " steps (" << row.trainable << " of "
            << row.total << " parameters train)\n";
  train_method(*method, train, nullptr, nullptr, trainer, {{"task", options.task}, {"demo", true}});
  row.seconds = seconds_since(start);
  const TaskEvaluation after = score(model, method.get(), valid, options.eval_rows);
  row.after = after.value;
  row.metric = after.metric;
  row.file_bytes = file_bytes(join_path(join_path(trainer.output_dir, "final"), "adapter_model.safetensors"));
  return row;
}

// Grounding gets four times the images: three in four of its downstream expressions are relations
// and superlatives the model must learn (world version 3), and on 400 images finetuning gained on
// them barely more than it forgot (models/nano-world/README.md). A tuning step costs the same.
int64_t default_train_images(const std::string& task) { return task == "refcoco" ? 1600 : 400; }

int run(DemoOptions& options) {
  configure_cpu_threads();
  if (options.world.train_images == 0) options.world.train_images = default_train_images(options.task);
  OFAPT_CHECK(file_exists(join_path(options.model, "config.json")), ErrorKind::kUsage, options.model,
              ": no model there. The default model is made by `ofapt pretrain` (docs/world.md); or pass --model");
  make_directories(options.work);
  const std::string world_dir = join_path(options.work, "world");
  const auto total_start = std::chrono::steady_clock::now();
  if (world::ensure_world(world_dir, options.world)) {
    std::cerr << "== wrote the downstream world to " << world_dir << "\n";
  }

  OfaModel model = load_model(options.model);
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(options.model));
  TaskCliOptions task_options = task_for_model(options.model, options.task, world_dir);
  auto task = build_task(task_options, tokenizer);
  const TaskDataset train(task, join_path(world_dir, options.task + "_train.tsv"), /*training=*/true);
  const TaskDataset valid(task, join_path(world_dir, options.task + "_val.tsv"), /*training=*/false);

  std::cerr << "== zero-shot " << options.task << " on " << std::min(options.eval_rows, valid.size()) << " val rows\n";
  const TaskEvaluation zero_shot = score(model, nullptr, valid, options.eval_rows);
  std::vector<DemoRow> rows{tune_and_score(options, options.prompt_spec, options.learning_rate, train, valid,
                                                zero_shot.value)};
  if (options.compare_finetune) {
    rows.push_back(tune_and_score(options, "finetune", options.finetune_learning_rate, train, valid, zero_shot.value));
  }
  if (options.compare_scratch) {
    rows.push_back(tune_and_score(options, "finetune", options.finetune_learning_rate, train, valid,
                                  zero_shot.value, /*from_scratch=*/true));
  }

  std::printf("\n%s on the synthetic world (%s, %lld val rows), base %s\n", options.task.c_str(),
              zero_shot.metric.c_str(), static_cast<long long>(std::min(options.eval_rows, valid.size())),
              options.model.c_str());
  std::printf("%-32s %12s %8s %10s %8s %8s %8s\n", "method", "trainable", "%", "file", "before", "after", "time");
  nlohmann::json results = {{"task", options.task}, {"metric", zero_shot.metric}, {"zero_shot", zero_shot.value},
                            {"model", options.model}, {"steps", options.steps},
                            {"world_seed", options.world.seed}, {"tune_seed", options.tune_seed},
                            {"runs", nlohmann::json::array()}};
  for (const auto& row : rows) {
    std::printf("%-32s %12lld %7.2f%% %10s %8.3f %8.3f %7.0fs\n", row.method.c_str(),
                static_cast<long long>(row.trainable), 100.0 * row.trainable / row.total,
                human_bytes(static_cast<double>(row.file_bytes)).c_str(), row.before, row.after, row.seconds);
    results["runs"].push_back({{"method", row.method}, {"spec", row.canonical}, {"trainable_parameters", row.trainable},
                               {"total_parameters", row.total}, {"file_bytes", row.file_bytes},
                               {"before", row.before}, {"after", row.after}, {"seconds", row.seconds}});
  }
  results["seconds"] = seconds_since(total_start);
  write_file_atomic(join_path(options.work, "demo_results.json"), results.dump(1) + "\n");
  std::printf("prompt file: %s (load it with --tuned on the same base model)\nresults: %s\n",
              join_path(join_path(options.work, "prompt"), "final").c_str(),
              join_path(options.work, "demo_results.json").c_str());
  return 0;
}

OFAPT_COMMAND("demo", "Zero-shot -> prompt tuning -> score on the synthetic world, with a one-screen table",
              [](CLI::App& app) {
  auto options = std::make_shared<DemoOptions>();
  options->world.train_images = 0;  // the task's default (default_train_images)
  options->world.val_images = 100;
  app.add_option("--model", options->model, "Base model (default: the shipped nano world model)")
      ->capture_default_str();
  app.add_option("--work", options->work, "Directory for the data, runs and results")->capture_default_str();
  app.add_option("--task", options->task, "caption, refcoco, vqa or snli_ve")
      ->check(CLI::IsMember({"caption", "refcoco", "vqa", "snli_ve"}))
      ->capture_default_str();
  app.add_option("--method", options->prompt_spec, "The tuning spec to demonstrate")->capture_default_str();
  app.add_option("--steps", options->steps, "Updates of tuning (more = a longer, better run)")->capture_default_str();
  app.add_option("--batch-size", options->batch_size)->capture_default_str();
  app.add_option("--eval-rows", options->eval_rows, "Val rows scored before and after")->capture_default_str();
  app.add_option("--train-images", options->world.train_images,
                 "Downstream training images (default: 400; 1600 for refcoco)");
  app.add_option("--val-images", options->world.val_images)->capture_default_str();
  app.add_option("--seed", options->world.seed, "World seed of the downstream data")->capture_default_str();
  app.add_option("--tune-seed", options->tune_seed, "Seed of new weights and batch order")->capture_default_str();
  app.add_option("--lr", options->learning_rate, "Peak learning rate of --method (0: the method's default)")
      ->capture_default_str();
  app.add_option("--finetune-lr", options->finetune_learning_rate,
                 "Peak learning rate of the --compare-* runs (0: finetune's default)")
      ->capture_default_str();
  app.add_flag("--compare-finetune", options->compare_finetune, "Also finetune the whole model for the same steps");
  app.add_flag("--compare-scratch", options->compare_scratch,
               "Also train the same architecture from random weights on the downstream data alone");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
