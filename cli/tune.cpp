// ofapt tune: train a tuning method (prompt, adapter, bitfit, lora, finetune) on a frozen model.
#include <iostream>

#include "checkpoint/model_files.h"
#include "cli/command.h"
#include "cli/task_options.h"
#include "data/seq2seq_tsv.h"
#include "tasks/task_dataset.h"
#include "train/task_validator.h"
#include "dist/worker_launcher.h"
#include "train/lr_range_test.h"
#include "train/trainer.h"
#include "tuning/make_method.h"
#include "util/device.h"
#include "util/error.h"
#include "util/threading.h"

namespace ofapt::cli {
namespace {

struct TuneOptions {
  std::string model;
  bool use_ema = false;
  std::string spec = "prompt";
  std::string train_file, valid_file;
  TsvReadOptions tsv;
  TrainerOptions trainer;
  SequenceValidatorOptions validation;
  TaskCliOptions task;                 // --task: the paper's TSV layouts instead of the generic one
  TaskEvaluationOptions task_validation;
  WorkerLaunchOptions launch;          // --nproc and the multi-machine options
  bool lr_find = false;                // pick the peak rate by a range test first
};

int run(TuneOptions& options) {
  if (!is_data_parallel_worker() && (options.launch.nproc > 1 || options.launch.nnodes > 1)) {
    return launch_workers(options.launch);
  }
  DataParallelOptions data_parallel = data_parallel_options_from_environment();
  if (options.trainer.device == "cuda" && data_parallel.world_size > 1) {
    // One GPU per worker on each machine.
    if (const char* local_rank = std::getenv("OFAPT_LOCAL_RANK")) options.trainer.device += std::string(":") + local_rank;
  }
  data_parallel.device = options.trainer.device;
  options.trainer.data_parallel = DataParallelGroup::join(data_parallel);
  const bool main_process = options.trainer.data_parallel->is_main();
  configure_cpu_threads();
  CheckpointReadOptions read_options;
  read_options.use_ema = options.use_ema;
  const CheckpointContents contents = read_checkpoint(options.model, read_options);
  OfaModel model = build_model(contents);
  model->to(parse_device(options.trainer.device, "--device"));

  const text::OfaTokenizer tokenizer = text::load_tokenizer(contents.directory);
  OFAPT_CHECK(tokenizer.size() == model->config().vocab_size, ErrorKind::kSchema, "the tokenizer found for ",
              options.model, " has ", tokenizer.size(), " ids, the model ", model->config().vocab_size);
  TsvReadReport train_report, valid_report;
  std::unique_ptr<Dataset> train, valid;
  std::unique_ptr<Validator> validator;
  if (!options.task.name.empty()) {
    // A paper task: rows are read and decoded on the loader's threads as training goes.
    options.task.task.image_size = options.tsv.image_size;
    options.task.task.max_source_tokens = options.tsv.max_source_tokens;
    options.task.task.max_target_tokens = options.tsv.max_target_tokens;
    auto task = build_task(options.task, std::make_shared<const text::OfaTokenizer>(tokenizer));
    const auto columns = parse_columns(options.task.columns);
    train = std::make_unique<TaskDataset>(task, options.train_file, /*training=*/true, columns);
    if (!options.valid_file.empty()) valid = std::make_unique<TaskDataset>(task, options.valid_file, false, columns);
    options.trainer.skip_bad_rows = options.tsv.skip_bad_rows;
    validator = std::make_unique<TaskValidator>(options.task_validation);
  } else {
    train = read_seq2seq_tsv(options.train_file, tokenizer, options.tsv, &train_report);
    if (!options.valid_file.empty()) valid = read_seq2seq_tsv(options.valid_file, tokenizer, options.tsv, &valid_report);
    for (const auto* report : {&train_report, &valid_report}) {
      for (const auto& problem : report->problems) std::cerr << "skipped " << problem << "\n";
    }
    validator = std::make_unique<SequenceValidator>(options.validation);
  }

  torch::manual_seed(options.trainer.seed);  // the method's initialisation
  auto method = attach_method(options.spec, model);
  if (main_process) std::cerr << "tuning " << method->spec() << ": " << method->trainable_parameter_count() << " of "
            << method->total_parameter_count() << " parameters train ("
            << 100.0 * method->trainable_parameter_count() / method->total_parameter_count() << "%)\n";

  nlohmann::json lr_range;
  if (options.lr_find) {
    OFAPT_CHECK(options.trainer.learning_rate == 0, ErrorKind::kUsage, "--lr-find picks the rate itself; drop --lr");
    const LrRangeResult range = find_learning_rate(*method, *train, options.trainer);
    options.trainer.learning_rate = range.learning_rate;
    std::cerr << "learning-rate range test (" << range.seconds << " s): lowest smoothed loss at lr "
              << range.lowest_loss_lr << ", training at " << range.learning_rate << "\n";
    lr_range = {{"learning_rate", range.learning_rate}, {"lowest_loss_lr", range.lowest_loss_lr}};
  }
  const nlohmann::json run_info = {{"base_model_path", options.model},
                                   {"lr_range_test", lr_range},
                                   {"task", options.task.name.empty() ? "seq2seq" : options.task.name},
                                   {"train_file", options.train_file},
                                   {"valid_file", options.valid_file},
                                   {"train_rows_skipped", train_report.skipped},
                                   {"valid_rows_skipped", valid_report.skipped},
                                   {"image_size", options.tsv.image_size}};
  const TrainSummary summary =
      train_method(*method, *train, valid.get(), valid ? validator.get() : nullptr, options.trainer, run_info);
  if (!main_process) return 0;
  std::cout << nlohmann::json{{"steps", summary.steps},
                              {"processes", options.trainer.data_parallel->world_size()},
                              {"resumed_from", summary.resumed_from},
                              {"skipped_steps", summary.skipped_steps},
                              {"first_loss", summary.first_loss},
                              {"last_loss", summary.last_loss},
                              {"best_step", summary.best_step},
                              {"best_metric", summary.best_metric},
                              {"stopped_early", summary.stopped_early},
                              {"seconds", summary.seconds},
                              {"output", options.trainer.output_dir}}
                   .dump()
            << "\n";
  return 0;
}

OFAPT_COMMAND("tune", "Train a prompt (or adapter, bitfit, lora, finetune) on a TSV task; resumable", [](CLI::App& app) {
  auto options = std::make_shared<TuneOptions>();
  auto& t = options->trainer;
  options->tsv.image_size = 256;
  app.add_option("--model", options->model, "Base checkpoint (directory or file)")->required();
  app.add_flag("--ema", options->use_ema, "Load the EMA weights of a fairseq checkpoint");
  app.add_option("--method", options->spec, "Tuning spec, e.g. prompt:length=64,depth=both (docs/tuning.md)")
      ->capture_default_str();
  app.add_option("--train", options->train_file,
                 "Training TSV: a --task layout, or the generic id, base64 image, source, target")
      ->required();
  add_task_options(app, options->task);
  app.add_option("--valid", options->valid_file, "Validation TSV (same columns)");
  app.add_option("--output", t.output_dir, "Output directory (log, checkpoint, best/, final/)")->required();
  app.add_option("--image-size", options->tsv.image_size, "Resize images to S x S")->capture_default_str();
  app.add_option("--max-source-tokens", options->tsv.max_source_tokens)->capture_default_str();
  app.add_option("--max-target-tokens", options->tsv.max_target_tokens)->capture_default_str();
  app.add_flag("--skip-bad-rows", options->tsv.skip_bad_rows, "Report and skip malformed rows instead of stopping");
  app.add_option("--steps", t.max_steps, "Updates to train (0 = --epochs over the data)")->capture_default_str();
  app.add_option("--epochs", t.max_epochs)->capture_default_str();
  app.add_option("--batch-size", t.batch_size, "Rows per micro-batch")->capture_default_str();
  app.add_option("--update-freq", t.update_freq, "Micro-batches accumulated per update")->capture_default_str();
  app.add_option("--lr", t.learning_rate, "Peak learning rate (0 = the method's default: prompt 3e-2, "
                                          "finetune 5e-5, others 1e-3)")->capture_default_str();
  app.add_option("--end-lr", t.end_learning_rate)->capture_default_str();
  app.add_flag("--lr-find", options->lr_find,
               "Pick the peak rate first: 60 updates with the rate rising 1e-5 -> 1, a tenth of where the "
               "smoothed loss was lowest (OUTPUT/lr_range_test/lr_range.json); one process only");
  app.add_option("--warmup-ratio", t.warmup_ratio)->capture_default_str();
  app.add_option("--warmup-steps", t.warmup_steps, "Overrides --warmup-ratio when >= 0")->capture_default_str();
  app.add_option("--weight-decay", t.weight_decay)->capture_default_str();
  app.add_option("--clip-norm", t.clip_norm, "0 = no clipping")->capture_default_str();
  app.add_option("--label-smoothing", t.label_smoothing)->capture_default_str();
  app.add_option("--seed", t.seed)->capture_default_str();
  app.add_option("--log-every", t.log_every)->capture_default_str();
  app.add_option("--valid-every", t.valid_every, "0 = validate at the end only")->capture_default_str();
  app.add_option("--save-every", t.save_every)->capture_default_str();
  app.add_option("--early-stop", t.early_stop_patience,
                 "Stop after this many validations without a new best (0 = never; needs --valid, --valid-every)")
      ->capture_default_str();
  app.add_flag_function("--no-feature-cache", [&t](int64_t) { t.feature_cache = false; },
                        "Run the frozen ResNet on every step instead of caching its features");
  app.add_option("--feature-cache-mb", t.feature_cache_mb)->capture_default_str();
  app.add_option("--device", t.device, "cpu or cuda[:i]")->capture_default_str();
  app.add_flag_function("--fp32", [&t](int64_t) { t.bf16 = false; }, "No bf16 autocast on CUDA");
  app.add_flag("--quiet", t.quiet, "No progress lines");
  auto& launch = options->launch;
  app.add_option("--nproc", launch.nproc,
                 "Data-parallel worker processes on this machine (c10d Gloo; NCCL on GPUs); each takes "
                 "--update-freq micro-batches of every update (docs/distributed.md)")
      ->capture_default_str();
  app.add_option("--nnodes", launch.nnodes, "Machines in the run (each runs the same command)")->capture_default_str();
  app.add_option("--node-rank", launch.node_rank, "This machine's index, 0 = the one at --master-addr")
      ->capture_default_str();
  app.add_option("--master-addr", launch.master_addr,
                 "Rank 0's machine, where the workers meet (TCP); empty on one machine (a file store)");
  app.add_option("--master-port", launch.master_port, "Rendezvous port at --master-addr")->capture_default_str();
  app.add_option("--dist-timeout", launch.timeout_seconds,
                 "Seconds a worker waits for the others before failing (covers rank 0's validation)")
      ->capture_default_str();
  auto& v = options->validation;
  v.generation.beam_size = 5;
  app.add_option("--valid-metric", v.metric, "Generic TSV: exact_match or loss (tasks use their own metric)")
      ->capture_default_str();
  app.add_option("--valid-samples", options->task_validation.max_samples, "Tasks: validate on the first N rows (0 = all)")
      ->capture_default_str();
  app.add_option("--beam", v.generation.beam_size, "Beam size for validation")->capture_default_str()->each(
      [options](const std::string& value) { options->task_validation.beam_size = std::stoll(value); });
  app.add_option("--max-len", v.generation.max_length, "Max generated tokens in validation")->capture_default_str();
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
