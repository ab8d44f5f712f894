#include "study/study_run.h"

#include <iostream>
#include <numeric>

#include "checkpoint/model_files.h"
#include "study/learning_curve.h"
#include "tasks/task_evaluator.h"
#include "train/task_validator.h"
#include "train/lr_range_test.h"
#include "train/trainer.h"
#include "tuning/make_method.h"
#include "tuning/tuned_task_file.h"
#include "util/device.h"
#include "util/error.h"
#include "util/file.h"
#include "util/peak_memory.h"

namespace ofapt {
namespace {

// The study's attacks that `record` has no result for.
std::vector<AttackOptions> missing_attacks(const StudySpec& spec, const StudyRun& run, const nlohmann::json& record) {
  std::vector<AttackOptions> out;
  for (const auto& sweep : spec.attacks) {
    for (const double epsilon : sweep.epsilons) {
      AttackOptions attack = sweep.attack;
      attack.epsilon = epsilon;
      attack.seed = run.seed;
      bool done = false;
      for (const auto& result : record.value("robust", nlohmann::json::array()))
        done = done || result.value("attack", "") == attack.name();
      if (!done) out.push_back(attack);
    }
  }
  return out;
}

// Attacks the tuned model with each attack `record` lacks and adds the results (and the clean score
// on the attacked rows) to it.
void add_attack_results(OfaModel& model, TuningMethod& method, const StudySpec& spec, const StudyRun& run,
                        const TaskDataset& rows, nlohmann::json& record) {
  const torch::Device device = model->parameters().front().device();
  method.set_training(false);
  const PromptFor prompt = prompt_of(&method);
  if (!record.contains("robust")) record["robust"] = nlohmann::json::array();
  for (const auto& attack : missing_attacks(spec, run, record)) {
    TaskEvaluationOptions evaluation;
    evaluation.max_samples = spec.attack_rows;
    evaluation.perturb = adversarial_inputs(model, prompt, attack, device);
    const TaskEvaluation attacked = evaluate_task(model, prompt, rows, evaluation, device);
    std::cerr << "   " << attack.name() << ": " << attacked.value << "\n";
    nlohmann::json result = {{"attack", attack.name()},
                             {"method", attack.method},
                             {"space", attack.space},
                             {"epsilon", attack.epsilon},
                             {"value", attacked.value}};
    if (attack.method == "pgd") result["steps"] = attack.steps;
    record["robust"].push_back(result);
  }
  if (!record.contains("clean_on_attack_rows")) {
    // The clean score on the same rows as the attacks: epsilon 0 of the robustness plots.
    TaskEvaluationOptions evaluation;
    evaluation.max_samples = spec.attack_rows;
    record["clean_on_attack_rows"] = evaluate_task(model, prompt, rows, evaluation, device).value;
  }
}

// The state a run is judged by: with a test split the best-on-val one (best/), loaded into a fresh
// copy of the base model; without one the state after the last update (final/).
struct JudgedState {
  OfaModel model{nullptr};
  std::shared_ptr<TuningMethod> method;
};

JudgedState load_state(const StudySpec& spec, const std::string& tuned_dir) {
  JudgedState state;
  state.model = load_model(spec.model);
  state.model->to(parse_device(spec.device, "study device"));
  state.method = load_tuned_task(read_tuned_task(tuned_dir), state.model);
  state.method->set_training(false);
  return state;
}

// The test score of the best-on-val state, scored once.
nlohmann::json test_result(const StudySpec& spec, TuningMethod& method, const TaskDataset& test) {
  OfaModel& model = method.model();
  TaskEvaluationOptions evaluation;
  evaluation.max_samples = spec.test_rows;
  const TaskEvaluation result =
      evaluate_task(model, prompt_of(&method), test, evaluation, model->parameters().front().device());
  std::cerr << "   test " << result.metric << ": " << result.value << "\n";
  return {{"metric", result.metric},
          {"value", result.value},
          {"rows", spec.test_rows > 0 ? std::min(spec.test_rows, test.size()) : test.size()}};
}

// A finished run counts only on the base model it was made on: after the model changes, a resumed
// study would otherwise report old runs beside new ones as one table.
void check_same_base_model(const nlohmann::json& record, const nlohmann::json& base_model, const std::string& path) {
  const std::string remedy = "; write the study to another --out, or delete the run to train it again";
  OFAPT_CHECK(record.contains("base_model"), ErrorKind::kSchema, path,
              ": the run records no base model (made before ofapt recorded one)", remedy);
  OFAPT_CHECK(record["base_model"] == base_model, ErrorKind::kSchema, path, ": made on another base model (weights ",
              record["base_model"].value("weights_hash", "?"), ", the spec's model has ",
              base_model.value("weights_hash", "?"), ")", remedy);
}

// Nor on other rows: a world version or a data directory that changed under a resumed study would
// otherwise put runs on two data sets into one table. A record compares the hashes it has (the
// published v1 refcoco records carry their val rows' hash only: world v2's train file is gone).
void check_same_data(const nlohmann::json& record, const nlohmann::json& data, const std::string& path) {
  OFAPT_CHECK(record.contains("data") && record["data"].is_object(), ErrorKind::kSchema, path,
              ": the run records no hashes of its data (made before ofapt recorded them); write the study to "
              "another --out, or delete the run to train it again");
  for (const auto& [name, hash] : record["data"].items()) {
    OFAPT_CHECK(data.value(name, "") == hash, ErrorKind::kSchema, path, ": trained on other ",
                name.substr(0, name.find('_')), " rows (", name, " ", hash.dump(), ", the study's data has ",
                data.value(name, "none"), "); write the study to another --out, or delete the run to train it again");
  }
}

}  // namespace

nlohmann::json execute_study_run(const StudySpec& spec, const StudyRun& run, const StudyTaskData& data,
                                 const std::string& study_dir) {
  const std::string directory = join_path(study_dir, run.directory());
  const std::string record_path = join_path(directory, "run.json");
  if (file_exists(record_path)) {
    auto record = nlohmann::json::parse(read_file(record_path), nullptr, false);
    OFAPT_CHECK(record.is_object(), ErrorKind::kInput, record_path, ": not JSON; delete it to rerun that run");
    check_same_base_model(record, data.base_model, record_path);
    check_same_data(record, data.data, record_path);
    const std::string best_dir = join_path(directory, "best");
    if (data.test != nullptr && !record.contains("test") && file_exists(join_path(best_dir, kTunedConfigFile))) {
      // A run finished before the data had a test split: its best state is scored now.
      std::cerr << "\n== " << run.task << "  " << run.method.label << "  seed " << run.seed << ": test rows\n";
      JudgedState best = load_state(spec, best_dir);
      record["test"] = test_result(spec, *best.method, *data.test);
      write_file_atomic(record_path, record.dump(1) + "\n");
    }
    if (!run.attack || (missing_attacks(spec, run, record).empty() && record.contains("clean_on_attack_rows")))
      return record;
    // The spec gained attacks since the run finished: attack its saved model, do not retrain it. A
    // published study keeps only run.json; without the model the run is trained again.
    const std::string judged_dir = join_path(directory, data.test != nullptr ? "best" : "final");
    if (file_exists(join_path(judged_dir, kTunedConfigFile))) {
      std::cerr << "\n== " << run.task << "  " << run.method.label << "  seed " << run.seed << ": new attacks\n";
      JudgedState state = load_state(spec, judged_dir);
      add_attack_results(state.model, *state.method, spec, run, data.test != nullptr ? *data.test : *data.valid,
                         record);
      write_file_atomic(record_path, record.dump(1) + "\n");
      return record;
    }
    std::cerr << "\n" << judged_dir << " is gone: training the run again for its new attacks\n";
  }
  make_directories(directory);
  std::cerr << "\n== " << run.task << "  " << run.method.label << "  seed " << run.seed << "  (" << directory << ")\n";
  const bool peak_resettable = reset_peak_memory();

  OfaModel model = load_model(spec.model);
  model->to(parse_device(spec.device, "study device"));
  torch::manual_seed(run.seed);
  auto method = attach_method(run.method.spec, model);
  TrainerOptions trainer;
  trainer.output_dir = directory;
  trainer.max_steps = spec.steps;
  trainer.batch_size = spec.batch_size;
  trainer.learning_rate = run.method.learning_rate;
  if (run.method.warmup_ratio >= 0) trainer.warmup_ratio = run.method.warmup_ratio;
  trainer.early_stop_patience = run.method.early_stop;
  trainer.seed = run.seed;
  trainer.device = spec.device;
  trainer.valid_every = spec.valid_every;
  // Train records at every validation step, so each curve point has its own time.
  trainer.log_every = spec.valid_every > 0 ? std::gcd(spec.valid_every, int64_t{25}) : 25;
  trainer.save_every = 100;
  TaskEvaluationOptions validation;
  validation.max_samples = spec.eval_rows;
  TaskValidator validator(validation);
  LrRangeResult range;
  if (run.method.lr_find) {
    range = find_learning_rate(*method, *data.train, trainer);
    trainer.learning_rate = range.learning_rate;
    std::cerr << "learning-rate range test: lowest loss at " << range.lowest_loss_lr << ", peak rate "
              << range.learning_rate << " (" << range.seconds << " s)\n";
  }
  const TrainSummary summary =
      train_method(*method, *data.train, data.valid, &validator, trainer, {{"task", run.task}, {"study", true}});

  LearningCurve curve = read_learning_curve(join_path(directory, "train_log.jsonl"));
  // The range test is part of the run's cost: its seconds come before the first update.
  for (auto& point : curve.points) point.seconds += range.seconds;
  curve.train_seconds += range.seconds;
  curve.points.insert(curve.points.begin(), CurvePoint{0, 0.0, data.zero_shot});
  OFAPT_CHECK(curve.points.size() >= 2, ErrorKind::kInternal, directory, ": the run logged no validation");
  nlohmann::json record = {
      {"task", run.task},
      {"spec", run.method.spec},
      {"canonical_spec", method->spec()},
      {"learning_rate", run.method.learning_rate},
      {"warmup_ratio", run.method.warmup_ratio},
      {"early_stop", run.method.early_stop},
      {"stopped_early", summary.stopped_early},
      {"lr_find", run.method.lr_find ? nlohmann::json{{"learning_rate", range.learning_rate},
                                                      {"lowest_loss_lr", range.lowest_loss_lr},
                                                      {"seconds", range.seconds}}
                                     : nlohmann::json()},
      {"seed", run.seed},
      {"steps", summary.steps},
      {"batch_size", spec.batch_size},
      {"trainable_parameters", method->trainable_parameter_count()},
      {"total_parameters", method->total_parameter_count()},
      {"file_bytes", file_bytes(join_path(join_path(directory, "final"), "adapter_model.safetensors"))},
      {"train_seconds", curve.train_seconds},
      {"seconds_per_step", summary.steps > 0 ? curve.train_seconds / summary.steps : 0.0},
      {"first_loss", summary.first_loss},
      {"last_loss", summary.last_loss},
      {"skipped_steps", summary.skipped_steps},
      {"base_model", data.base_model},
      {"data", data.data},
      {"zero_shot", data.zero_shot},
      {"final", curve.points.back().value},
      {"best", summary.best_metric},
      {"curve", curve.to_json()}};
  const int64_t peak = peak_memory_bytes();
  record["peak_memory_mb"] = peak < 0 ? nlohmann::json() : nlohmann::json(static_cast<double>(peak) / 1048576.0);
  record["peak_memory_note"] = peak_resettable ? "VmHWM of this run" : "VmHWM since the study started";
  if (summary.resumed_from > 0) record["resumed_from"] = summary.resumed_from;

  record["robust"] = nlohmann::json::array();
  if (data.test != nullptr) {
    // Test rows are scored once, with the state that was best on val (the protocol's model choice).
    JudgedState best = load_state(spec, join_path(directory, "best"));
    record["test"] = test_result(spec, *best.method, *data.test);
    record["best_step"] = summary.best_step;
    if (run.attack) add_attack_results(best.model, *best.method, spec, run, *data.test, record);
  } else if (run.attack) {
    add_attack_results(model, *method, spec, run, *data.valid, record);
  }
  write_file_atomic(record_path, record.dump(1) + "\n");
  return record;
}

}  // namespace ofapt
