// A study: groups of runs (methods x tasks x seeds) on one base model, from a small JSON file.
//
//   {"model": "models/nano-world",
//    "world": {"seed": 1, "train_images": 400, "val_images": 100},   or  "data": "dir/with/tsvs",
//    "device": "cpu",                                        or "cuda", "cuda:1": training, scoring, attacks
//    "steps": 300, "batch_size": 16, "eval_rows": 200, "valid_every": 50, "seeds": [1, 2, 3],
//    "targets": {"snli_ve": 0.6},                         score that counts as reached (time-to-target)
//    "attacks": [{"method": "fgsm", "space": "embedding", "eps": [0.05, 0.1]}], "attack_rows": 100,
//    "groups": [{"name": "methods", "tasks": ["snli_ve"], "attack": true,
//                "methods": ["prompt:length=64,depth=both", {"spec": "finetune", "lr": 5e-4, "label": "finetune"}]},
//               {"name": "length", "tasks": ["snli_ve"], "x": "length", "seeds": [1],
//                "methods": ["prompt:length=10", "prompt:length=30"]}]}
//
// A run is (task, spec, learning rate, seed); groups that share a run share its directory, so the
// paper's recipe trained for the method table is reused by the length ablation.
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
  int64_t attack_rows = 100;  // val rows attacked
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
  // runs/<task>/<spec as a file name>[-lr<lr>][-warmup<r>]/seed<k>, relative to the study directory.
  std::string directory() const;
};

// Every run of every group, each once: seed by seed (all first-seed runs first), in group order within a seed.
std::vector<StudyRun> study_runs(const StudySpec& spec);

}  // namespace ofapt
