// ofapt study SPEC: the paper's study as one resumable command. Runs every (task, method, seed) of
// the spec's groups (study/study_spec.h) on one base model, each once, skipping finished runs, then
// writes report.md and its plots. Layout of --out:
//   spec.json                 the spec as run
//   world/                    the downstream world (when the spec has no "data")
//   zero_shot/<task>.json     the base model's score on the val rows every curve starts from
//   runs/<task>/<spec>/seed<k>/   train_log.jsonl, best/, final/, run.json
//   report.md, plots/
#include <algorithm>
#include <iostream>

#include "checkpoint/model_files.h"
#include "cli/command.h"
#include "cli/task_options.h"
#include "study/lr_choice.h"
#include "study/study_report.h"
#include "study/study_run.h"
#include "tasks/task_evaluator.h"
#include "tuning/model_fingerprint.h"
#include "util/device.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/threading.h"

namespace ofapt::cli {
namespace {

struct StudyCliOptions {
  std::string spec_path;
  std::string out;
  bool report_only = false;
  bool list = false;
  std::vector<std::string> tasks;  // run only these tasks' runs (empty = all)
};

struct LoadedTask {
  std::shared_ptr<const Task> task;
  std::unique_ptr<TaskDataset> train, valid, test;  // test: null when the data has no <task>_test.tsv
  double zero_shot = 0.0;
  nlohmann::json data;  // the hashes of the train and val files every run of the task records
};

LoadedTask load_task(const StudySpec& spec, const nlohmann::json& base_model, const std::string& task_name,
                     const std::string& data_dir, const std::string& out) {
  LoadedTask loaded;
  TaskCliOptions options = task_for_model(spec.model, task_name, data_dir);
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(spec.model));
  loaded.task = build_task(options, tokenizer);
  loaded.train = std::make_unique<TaskDataset>(loaded.task, join_path(data_dir, task_name + "_train.tsv"), true);
  loaded.valid = std::make_unique<TaskDataset>(loaded.task, join_path(data_dir, task_name + "_val.tsv"), false);
  // The base model's score, once per study: every learning curve starts from it. The record names
  // the val rows it was scored on (a hash of the file) and the model, so new data or another base
  // model is scored again, never reused.
  const std::string zero_shot_path = join_path(join_path(out, "zero_shot"), task_name + ".json");
  const std::string val_hash = Hash64().update(read_file(join_path(data_dir, task_name + "_val.tsv"))).hex();
  loaded.data = {{"train_hash", Hash64().update(read_file(join_path(data_dir, task_name + "_train.tsv"))).hex()},
                 {"val_hash", val_hash}};
  const std::string test_path = join_path(data_dir, task_name + "_test.tsv");
  if (file_exists(test_path)) {
    loaded.test = std::make_unique<TaskDataset>(loaded.task, test_path, false);
    loaded.data["test_hash"] = Hash64().update(read_file(test_path)).hex();
  }
  nlohmann::json record;
  if (file_exists(zero_shot_path)) {
    record = nlohmann::json::parse(read_file(zero_shot_path), nullptr, false);
    OFAPT_CHECK(record.is_object() && record.contains("value"), ErrorKind::kInput, zero_shot_path,
                ": not a zero-shot record; delete it to recompute");
    if (record.value("val_hash", "") != val_hash) {
      std::cerr << "== " << zero_shot_path << " was scored on other val rows; scoring again\n";
      record = nullptr;
    } else if (record.value("base_model", nlohmann::json()) != base_model) {
      std::cerr << "== " << zero_shot_path << " was scored with another base model; scoring again\n";
      record = nullptr;
    }
  }
  if (record.is_null()) {
    std::cerr << "== zero-shot " << task_name << " on " << std::min(spec.eval_rows, loaded.valid->size())
              << " val rows\n";
    OfaModel model = load_model(spec.model);
    const torch::Device device = parse_device(spec.device, "study device");
    model->to(device);
    TaskEvaluationOptions evaluation;
    evaluation.max_samples = spec.eval_rows;
    const TaskEvaluation result = evaluate_task(
        model, prompt_of(nullptr), *loaded.valid, evaluation, device);
    make_directory(join_path(out, "zero_shot"));
    record = {{"task", task_name}, {"metric", result.metric}, {"value", result.value}, {"rows", spec.eval_rows},
              {"val_hash", val_hash}, {"base_model", base_model}};
    write_file_atomic(zero_shot_path, record.dump(1) + "\n");
  }
  loaded.zero_shot = record["value"].get<double>();
  return loaded;
}

int run(StudyCliOptions& options) {
  configure_cpu_threads();
  const auto json = nlohmann::json::parse(read_file(options.spec_path), nullptr, false);
  OFAPT_CHECK(!json.is_discarded(), ErrorKind::kInput, options.spec_path, ": not valid JSON");
  const StudySpec spec = StudySpec::parse(json, options.spec_path);
  if (!options.list && !options.report_only) parse_device(spec.device, options.spec_path);  // fail before any run
  if (options.out.empty()) {
    const std::string name = options.spec_path.substr(options.spec_path.find_last_of('/') + 1);
    options.out = "study-" + name.substr(0, name.rfind('.'));
  }
  const auto runs = study_runs(spec);
  if (options.list) {
    for (const auto& run : runs) std::cout << run.directory() << (run.attack ? "  (attacked)" : "") << "\n";
    return 0;
  }
  make_directories(options.out);
  write_file_atomic(join_path(options.out, "spec.json"), json.dump(2) + "\n");
  OFAPT_CHECK(file_exists(join_path(spec.model, "config.json")), ErrorKind::kUsage, options.spec_path, ": model '",
              spec.model, "' has no config.json");

  std::map<std::string, nlohmann::json> records;
  const RunRecordLookup record_of = lookup_in(records);
  if (!options.report_only) {
    std::string data_dir = spec.data;
    if (data_dir.empty()) {
      data_dir = join_path(options.out, "world");
      if (world::ensure_world(data_dir, spec.world)) {
        std::cerr << "== wrote the downstream world to " << data_dir << "\n";
      }
    }
    OfaModel base = load_model(spec.model);
    const nlohmann::json base_model = fingerprint_model(base).to_json();
    base = nullptr;
    std::map<std::string, LoadedTask> tasks;
    auto execute = [&](const StudyRun& run) {
      if (!tasks.count(run.task)) tasks.emplace(run.task, load_task(spec, base_model, run.task, data_dir, options.out));
      const LoadedTask& task = tasks.at(run.task);
      records[run.directory()] =
          execute_study_run(spec, run,
                            {task.train.get(), task.valid.get(), task.test.get(), task.zero_shot, base_model, task.data},
                            options.out);
    };
    std::vector<std::pair<StudyRun, uint64_t>> grid_runs_to_attack;  // with the seed their rate is chosen on
    for (size_t i = 0; i < runs.size(); ++i) {
      if (!options.tasks.empty() &&
          std::find(options.tasks.begin(), options.tasks.end(), runs[i].task) == options.tasks.end())
        continue;
      // Runs go seed by seed, so a rate chosen on the first seed is known before its later seeds.
      const auto run = with_chosen_learning_rate(runs[i], record_of);
      OFAPT_CHECK(run.has_value(), ErrorKind::kInternal, runs[i].directory(), ": its learning-rate grid has not run");
      std::cerr << "\n[study] run " << i + 1 << "/" << runs.size();
      if (run->attack && !run->method.lr_grid.empty() && runs[i].lr_chosen_on_seed == 0) {
        // Of a first-seed grid, only the chosen rate's run is attacked, once the whole grid has run.
        grid_runs_to_attack.emplace_back(*run, runs[i].seed);
        StudyRun unattacked = *run;
        unattacked.attack = false;
        execute(unattacked);
      } else {
        execute(*run);
      }
    }
    for (const auto& [run, first_seed] : grid_runs_to_attack) {
      if (choose_learning_rate(run.task, run.method, first_seed, record_of) == run.method.learning_rate) execute(run);
    }
  }
  {
    // The finished runs this process did not run (--report-only, or other tasks under --tasks), so
    // the report always covers every finished run of the study.
    for (const auto& listed : runs) {
      const auto run = with_chosen_learning_rate(listed, record_of);
      if (!run || records.count(run->directory()) != 0) continue;
      const std::string path = join_path(join_path(options.out, run->directory()), "run.json");
      if (!file_exists(path)) continue;
      const auto record = nlohmann::json::parse(read_file(path), nullptr, false);
      OFAPT_CHECK(record.is_object(), ErrorKind::kInput, path, ": not JSON; delete it to rerun that run");
      records[run->directory()] = record;
    }
  }
  const std::string report = write_study_report(
      spec, records, options.out, {"ofapt study " + options.spec_path + " --out " + options.out, "spec.json"});
  std::cout << "report: " << report << " (" << records.size() << " of " << runs.size() << " runs)\n";
  return 0;
}

OFAPT_COMMAND("study", "Run a study spec (methods x knobs x tasks x seeds), resumable, and write its report",
              [](CLI::App& app) {
  auto options = std::make_shared<StudyCliOptions>();
  app.add_option("spec", options->spec_path, "Study spec (JSON; docs/study.md)")->required();
  app.add_option("--out", options->out, "Study directory (default: study-<spec name>)");
  app.add_flag("--report-only", options->report_only,
               "Rewrite report.md and plots from the finished runs");
  app.add_flag("--list", options->list, "Print the runs the spec makes and stop");
  app.add_option("--tasks", options->tasks,
                 "Run only these tasks' runs, so one process per task can share the study directory (start the "
                 "second once the first has written the world)")
      ->delimiter(',');
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
