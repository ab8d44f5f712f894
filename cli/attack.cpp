// ofapt attack: a task's metric on clean and adversarial inputs side by side (FGSM / PGD in pixel
// or embedding space, attack/adversarial_attack.h), for a base model alone or with a tuned task.
#include <iostream>

#include "attack/adversarial_attack.h"
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

struct AttackCliOptions {
  std::string model, tuned, data, output;
  std::string device = "cpu";
  std::vector<double> epsilons = {1, 2, 4, 8};
  AttackOptions attack;
  TaskCliOptions task;
  TaskEvaluationOptions evaluation;
};

int run(AttackCliOptions& options) {
  configure_cpu_threads();
  OFAPT_CHECK(!options.task.name.empty(), ErrorKind::kUsage, "attack needs --task");
  options.attack.check();
  const CheckpointContents contents = read_checkpoint(options.model, {});
  OfaModel model = build_model(contents);
  const torch::Device device = parse_device(options.device, "--device");
  model->to(device);
  model->eval();
  auto method = load_tuned_option(options.tuned, model);
  if (method) method->set_training(false);
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(contents.directory));
  auto task = build_task(options.task, tokenizer);
  const TaskDataset data(task, options.data, /*training=*/false, parse_columns(options.task.columns));
  const PromptFor prompt = prompt_of(method.get());

  const TaskEvaluation clean = evaluate_task(model, prompt, data, options.evaluation, device);
  std::cout << task->name() << " (" << clean.metric << ", " << clean.summary.value("samples", 0) << " rows)\n"
            << "  clean: " << clean.value << "\n";
  nlohmann::json attacks = nlohmann::json::array();
  for (const double epsilon : options.epsilons) {
    AttackOptions attack = options.attack;
    attack.epsilon = epsilon;
    TaskEvaluationOptions evaluation = options.evaluation;
    evaluation.perturb = adversarial_inputs(model, prompt, attack, device);
    const TaskEvaluation attacked = evaluate_task(model, prompt, data, evaluation, device);
    std::cout << "  " << attack.name() << ": " << attacked.value << "\n";
    attacks.push_back({{"attack", attack.name()},
                       {"method", attack.method},
                       {"space", attack.space},
                       {"epsilon", epsilon},
                       {"steps", attack.method == "pgd" ? attack.steps : 1},
                       {"value", attacked.value},
                       {"samples", attacked.samples}});
  }
  if (!options.output.empty()) {
    const nlohmann::json results = {
        {"task", task->name()},   {"model", options.model}, {"tuned", options.tuned},         {"data", options.data},
        {"metric", clean.metric}, {"clean", clean.value},   {"clean_samples", clean.samples}, {"attacks", attacks}};
    write_file_atomic(options.output, results.dump(1) + "\n");
  }
  return 0;
}

OFAPT_COMMAND("attack", "Clean vs adversarial (FGSM/PGD, pixel or embedding space) task metric", [](CLI::App& app) {
  auto options = std::make_shared<AttackCliOptions>();
  auto& a = options->attack;
  options->task.task.image_size = 480;
  app.add_option("--model", options->model, "Base checkpoint")->required();
  app.add_option("--tuned", options->tuned, "Tuned-task directory applied to the model");
  app.add_option("--data", options->data, "The task's TSV (evaluation layout)")->required();
  app.add_option("--output", options->output, "Results JSON (clean and attacked scores, per-row predictions)");
  app.add_option("--image-size", options->task.task.image_size, "Resize images to S x S")->capture_default_str();
  app.add_option("--device", options->device, "cpu or cuda[:i]")->capture_default_str();
  add_task_options(app, options->task);
  app.add_option("--attack", a.method, "fgsm or pgd")->check(CLI::IsMember({"fgsm", "pgd"}))->capture_default_str();
  app.add_option("--space", a.space, "pixel (eps in 1/255) or embedding (eps relative to each position's RMS)")
      ->check(CLI::IsMember({"pixel", "embedding"}))
      ->capture_default_str();
  app.add_option("--eps", options->epsilons, "Attack radii, one evaluation each")->capture_default_str();
  app.add_option("--pgd-steps", a.steps)->capture_default_str();
  app.add_option("--pgd-step-size", a.step_size, "In eps units (0 = 2.5 eps / steps)")->capture_default_str();
  app.add_flag_function(
      "--no-random-start", [&a](int64_t) { a.random_start = false; }, "PGD starts at the clean input");
  app.add_option("--seed", a.seed, "Seed of the PGD random starts")->capture_default_str();
  app.add_option("--batch-size", options->evaluation.batch_size)->capture_default_str();
  app.add_option("--answer-mode", options->evaluation.answer_mode, "vqa/snli_ve: all_candidates or beam")
      ->capture_default_str();
  app.add_option("--max-samples", options->evaluation.max_samples, "Only the first N rows (0 = all)")
      ->capture_default_str();
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
