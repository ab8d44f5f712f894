// A study: groups of runs (methods x tasks x seeds) on one base model, from a small JSON file.
//
//   {"model": "models/nano-world",
//    "world": {"seed": 1, "train_images": 400, "val_images": 100, "test_images": 200},  or "data": "dir",
//    "device": "cpu",                                        or "cuda", "cuda:1": training, scoring, attacks
//    "steps": 300, "batch_size": 16, "eval_rows": 200, "valid_every": 50, "seeds": [1, 2, 3],
//    "targets": {"snli_ve": 0.6},                         score that counts as reached (time-to-target)
//    "attacks": [{"method": "fgsm", "space": "embedding", "eps": [0.05, 0.1]}], "attack_rows": 100,
//    "lr_grid": {"prompt": [0.01, 0.03, 0.1], "finetune": [1e-4, 3e-4, 1e-3]},  per method family
//    "test_rows": 0,                       test rows scored with each run's best-on-val state (0 = all)
//    "groups": [{"name": "methods", "tasks": ["snli_ve"], "attack": true,
//                "methods": ["prompt:length=64,depth=both", {"spec": "finetune", "lr": 5e-4, "label": "finetune"}]},
//               {"name": "length", "tasks": ["snli_ve"], "x": "length", "seeds": [1],
//                "methods": ["prompt:length=10", "prompt:length=30"]}]}
//
// A run is (task, spec, learning rate, seed); groups that share a run share its directory, so the
// paper's recipe trained for the method table is reused by the length ablation.
//
// The fair protocol (docs/study.md): a method with a learning-rate grid (its own "lr_grid", or the
// spec's for its family when it names no "lr") trains once per rate on the group's first seed; the
// rate whose run scored best on validation is the method's rate for its other seeds (study/lr_choice.h).
// Where the data has <task>_test.tsv, every run is scored once on it with its best-on-val state.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "attack/adversarial_attack.h"
#include "world/world_writer.h"

namespace ofapt {

struct StudyMethod {
  std::string label;           // table and plot name; default: the spec
  std::string spec;            // tuning spec (tuning/tuning_spec.h)
  double learning_rate = 0.0;  // 0 = the method's default
  double warmup_ratio = -1.0;  // < 0 = the trainer's default
  int64_t early_stop = 0;      // validations without a new best before the run stops (0 = never)
  bool lr_find = false;        // pick the peak rate by a range test first (train/lr_range_test.h)
  std::vector<double> lr_grid;  // rates tried on the first seed (empty = none; learning_rate is then fixed)
};

struct StudyGroup {
  std::string name;
  std::vector<std::string> tasks;
  std::vector<StudyMethod> methods;
  std::vector<uint64_t> seeds;
  bool attack = false;  // run the study's attacks on this group's tuned models
  std::string x;        // a spec option to plot the score against (e.g. "length"); empty = bars
};

struct AttackSweep {
  AttackOptions attack;  // method, space, steps; epsilon comes from `epsilons`
  std::vector<double> epsilons;
};

struct StudySpec {
  std::string model;
  std::string data;           // directory with <task>_train.tsv, <task>_val.tsv (answers.txt for vqa)
  world::WorldOptions world;  // used when `data` is empty: the downstream world is written first
  std::string device = "cpu";  // checked by parse_device (util/device.h) when the study runs
  int64_t steps = 300;
  int64_t batch_size = 16;
  int64_t eval_rows = 200;    // val rows scored at each validation
  int64_t valid_every = 50;   // updates between points of the learning curve
  int64_t attack_rows = 100;  // rows attacked (test rows where the data has a test file, else val)
  int64_t test_rows = 0;      // test rows scored once per run (0 = all)
  std::map<std::string, std::vector<double>> lr_grid;  // per method family (prompt, finetune, ...)
  std::map<std::string, double> targets;
  std::vector<AttackSweep> attacks;
  std::vector<StudyGroup> groups;

  // Throws Error(kUsage) naming `where` and the bad key (unknown keys are errors: typos would
  // otherwise silently run the default).
  static StudySpec parse(const nlohmann::json& json, const std::string& where);
};

struct StudyRun {
  std::string task;
  StudyMethod method;
  uint64_t seed = 1;
  bool attack = false;  // some group that holds this run attacks it
  // > 0: the learning rate is still to be chosen from method.lr_grid by this seed's runs
  // (choose_learning_rate, study/lr_choice.h); method.learning_rate is 0 until then.
  uint64_t lr_chosen_on_seed = 0;
  size_t grid_index = 0;  // which rate of method.lr_grid this first-seed run trains (0 without a grid)
  // runs/<task>/<spec as a file name>[-lr<lr>][-warmup<r>]/seed<k>, relative to the study directory;
  // a run whose rate is still to be chosen has "-lr(chosen)" there.
  std::string directory() const;
};

// Every run of every group, each once: seed by seed (all first-seed runs first); within the first
// seed, grid rate by grid rate (every method's first rate before any second rate), so a study
// stopped early has every method at its first seeds and rates; in group order otherwise.
std::vector<StudyRun> study_runs(const StudySpec& spec);

}  // namespace ofapt
