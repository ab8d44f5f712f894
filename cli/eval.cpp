// ofapt eval: a task's metric on an OFA TSV, for a base model alone or with a tuned task.
#include <iostream>

#include "checkpoint/model_files.h"
#include "cli/command.h"
#include "cli/model_options.h"
#include "cli/task_options.h"
#include "tasks/task_evaluator.h"
#include "util/device.h"
#include "util/error.h"
#include "util/file.h"
#include "util/threading.h"

namespace ofapt::cli {
namespace {

struct EvalOptions {
  std::string model, tuned, output;
  std::vector<std::string> data;  // one or more splits (e.g. refcoco val, testA, testB)
  bool use_ema = false;
  std::string device = "cpu";
  TaskCliOptions task;
  TaskEvaluationOptions evaluation;
};

int run(EvalOptions& options) {
  configure_cpu_threads();
  OFAPT_CHECK(!options.task.name.empty(), ErrorKind::kUsage, "eval needs --task");
  const CheckpointContents contents = read_checkpoint(options.model, {options.use_ema});
  OfaModel model = build_model(contents);
  const torch::Device device = parse_device(options.device, "--device");
  model->to(device);
  auto method = load_tuned_option(options.tuned, model);
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(contents.directory));
  auto task = build_task(options.task, tokenizer);
  // One evaluation per split; the results file lists them all, the first also at the top level.
  nlohmann::json splits = nlohmann::json::array();
  for (const auto& path : options.data) {
    const TaskDataset data(task, path, /*training=*/false, parse_columns(options.task.columns));
    const TaskEvaluation evaluation = evaluate_task(
        model, prompt_of(method.get()), data, options.evaluation,
        device);
    splits.push_back({{"data", path},
                      {"metric", evaluation.metric},
                      {"value", evaluation.value},
                      {"summary", evaluation.summary},
                      {"samples", evaluation.samples}});
    std::cout << task->name() << " on " << path << " (" << evaluation.summary.value("samples", 0) << " rows)\n";
    for (const auto& [name, value] : evaluation.summary.items()) {
      if (name == "samples") continue;
      std::cout << "  " << name << ": " << (value.is_null() ? "not computed" : value.dump()) << "\n";
    }
  }
  nlohmann::json results = splits[0];
  results["task"] = task->name();
  results["model"] = options.model;
  results["tuned"] = options.tuned;
  if (splits.size() > 1) results["splits"] = splits;
  if (!options.output.empty()) write_file_atomic(options.output, results.dump(1) + "\n");
  return 0;
}

OFAPT_COMMAND("eval", "Score a task (caption, refcoco, vqa, snli_ve) on its OFA TSV with the paper's metric",
              [](CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  auto& e = options->evaluation;
  options->task.task.image_size = 480;
  app.add_option("--model", options->model, "Base checkpoint")->required();
  app.add_flag("--ema", options->use_ema, "Load the EMA weights of a fairseq checkpoint");
  app.add_option("--tuned", options->tuned, "Tuned-task directory applied to the model");
  app.add_option("--data", options->data, "The task's TSV (evaluation layout); several files = several splits")
      ->required();
  app.add_option("--output", options->output, "Results JSON (per-row predictions and the summary)");
  app.add_option("--image-size", options->task.task.image_size, "Resize images to S x S")->capture_default_str();
  app.add_option("--device", options->device, "cpu or cuda[:i]")->capture_default_str();
  add_task_options(app, options->task);
  app.add_option("--batch-size", e.batch_size)->capture_default_str();
  app.add_flag("--constrain-boxes", e.constrain_boxes,
               "refcoco: generate location tokens only (the reference's eval leaves this off)");
  app.add_option("--beam", e.beam_size)->capture_default_str();
  app.add_option("--answer-mode", e.answer_mode, "vqa/snli_ve: all_candidates or beam")->capture_default_str();
  app.add_option("--max-samples", e.max_samples, "Evaluate only the first N rows (0 = all)")->capture_default_str();
  app.add_option("--meteor-jar", e.java_metrics.meteor_jar, "caption: meteor-1.5.jar, to compute METEOR as pycocoevalcap does");
  app.add_option("--spice-jar", e.java_metrics.spice_jar, "caption: spice-1.0.jar (with its lib/), to compute SPICE");
  app.add_option("--spice-cache", e.java_metrics.spice_cache, "caption: SPICE's parse cache directory");
  app.add_option("--java", e.java_metrics.java, "The java program that runs the jars")->capture_default_str();
  app.add_flag_function("--progress", [&e](int64_t) { e.quiet = false; }, "Show a progress line");
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
