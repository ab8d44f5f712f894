#include "study/study_spec.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "tuning/tuning_spec.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt {
namespace {

// Reads an object's fields by name and rejects the ones nobody asked for.
class Fields {
 public:
  Fields(const nlohmann::json& json, std::string where) : json_(json), where_(std::move(where)) {
    OFAPT_CHECK(json.is_object(), ErrorKind::kUsage, where_, ": expected a JSON object");
  }
  template <typename T>
  T get(const std::string& key, T fallback) {
    known_.insert(key);
    if (!json_.contains(key)) return fallback;
    try {
      return json_.at(key).get<T>();
    } catch (const nlohmann::json::exception&) {
      throw Error(ErrorKind::kUsage, str(where_, ": '", key, "' has the wrong type (", json_.at(key).dump(), ")"));
    }
  }
  const nlohmann::json* find(const std::string& key) {
    known_.insert(key);
    return json_.contains(key) ? &json_.at(key) : nullptr;
  }
  void finish() const {
    for (const auto& [key, value] : json_.items()) {
      if (known_.count(key) == 0) {
        std::string names;
        for (const auto& name : known_) names += (names.empty() ? "" : ", ") + name;
        throw Error(ErrorKind::kUsage, str(where_, ": unknown key '", key, "' (known: ", names, ")"));
      }
    }
  }
  const std::string& where() const { return where_; }

 private:
  const nlohmann::json& json_;
  std::string where_;
  std::set<std::string> known_;
};

StudyMethod parse_method(const nlohmann::json& json, const std::string& where) {
  StudyMethod method;
  if (json.is_string()) {
    method.spec = json.get<std::string>();
  } else {
    Fields fields(json, where);
    method.spec = fields.get<std::string>("spec", "");
    method.label = fields.get<std::string>("label", "");
    method.learning_rate = fields.get<double>("lr", 0.0);
    method.warmup_ratio = fields.get<double>("warmup_ratio", -1.0);
    method.early_stop = fields.get<int64_t>("early_stop", 0);
    method.lr_find = fields.get<bool>("lr_find", false);
    method.lr_grid = fields.get<std::vector<double>>("lr_grid", {});
    fields.finish();
  }
  OFAPT_CHECK(!method.spec.empty(), ErrorKind::kUsage, where, ": a method needs a tuning spec");
  method.spec = TuningSpec::parse(method.spec).to_string();  // throws on a malformed spec
  OFAPT_CHECK(method.learning_rate >= 0.0, ErrorKind::kUsage, where, ": lr must be >= 0");
  OFAPT_CHECK(method.warmup_ratio < 1.0, ErrorKind::kUsage, where, ": warmup_ratio must be < 1");
  OFAPT_CHECK(method.early_stop >= 0, ErrorKind::kUsage, where, ": early_stop must be >= 0");
  OFAPT_CHECK(!(method.lr_find && method.learning_rate > 0), ErrorKind::kUsage, where,
              ": lr_find picks the rate itself; drop 'lr'");
  OFAPT_CHECK(method.lr_grid.empty() || (method.learning_rate == 0 && !method.lr_find), ErrorKind::kUsage, where,
              ": lr_grid chooses the rate itself; drop 'lr' and 'lr_find'");
  for (const double rate : method.lr_grid) {
    OFAPT_CHECK(rate > 0, ErrorKind::kUsage, where, ": lr_grid rates must be > 0");
  }
  if (method.label.empty()) method.label = method.spec;
  return method;
}

const std::set<std::string> kTasks = {"caption", "refcoco", "vqa", "snli_ve"};

std::string file_name_of(const std::string& text) {
  std::string out;
  for (const char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ? c : '-';
  return out;
}

}  // namespace

StudySpec StudySpec::parse(const nlohmann::json& json, const std::string& where) {
  Fields fields(json, where);
  StudySpec spec;
  spec.model = fields.get<std::string>("model", "");
  OFAPT_CHECK(!spec.model.empty(), ErrorKind::kUsage, where, ": 'model' (the base model directory) is required");
  spec.data = fields.get<std::string>("data", "");
  if (const auto* world = fields.find("world")) {
    OFAPT_CHECK(spec.data.empty(), ErrorKind::kUsage, where, ": give 'data' or 'world', not both");
    Fields w(*world, where + " world");
    spec.world.seed = w.get<uint64_t>("seed", spec.world.seed);
    spec.world.train_images = w.get<int64_t>("train_images", 400);
    spec.world.val_images = w.get<int64_t>("val_images", 100);
    spec.world.image_size = w.get<int>("image_size", spec.world.image_size);
    spec.world.test_images = w.get<int64_t>("test_images", 0);
    w.finish();
  } else {
    spec.world.train_images = 400;
    spec.world.val_images = 100;
  }
  spec.device = fields.get<std::string>("device", spec.device);
  spec.steps = fields.get<int64_t>("steps", spec.steps);
  spec.batch_size = fields.get<int64_t>("batch_size", spec.batch_size);
  spec.eval_rows = fields.get<int64_t>("eval_rows", spec.eval_rows);
  spec.valid_every = fields.get<int64_t>("valid_every", spec.valid_every);
  spec.attack_rows = fields.get<int64_t>("attack_rows", spec.attack_rows);
  spec.test_rows = fields.get<int64_t>("test_rows", 0);
  OFAPT_CHECK(spec.test_rows >= 0, ErrorKind::kUsage, where, ": 'test_rows' must be >= 0 (0 = all)");
  spec.lr_grid = fields.get<std::map<std::string, std::vector<double>>>("lr_grid", {});
  for (const auto& [family, rates] : spec.lr_grid) {
    OFAPT_CHECK(!rates.empty(), ErrorKind::kUsage, where, ": lr_grid '", family, "' lists no rate");
    for (const double rate : rates) OFAPT_CHECK(rate > 0, ErrorKind::kUsage, where, ": lr_grid rates must be > 0");
  }
  for (const auto& [key, value] : {std::pair<const char*, int64_t>{"steps", spec.steps},
                                   {"batch_size", spec.batch_size},
                                   {"eval_rows", spec.eval_rows},
                                   {"attack_rows", spec.attack_rows}}) {
    OFAPT_CHECK(value >= 1, ErrorKind::kUsage, where, ": '", key, "' must be >= 1");
  }
  OFAPT_CHECK(spec.valid_every >= 0, ErrorKind::kUsage, where, ": 'valid_every' must be >= 0");
  spec.targets = fields.get<std::map<std::string, double>>("targets", {});
  const auto seeds = fields.get<std::vector<uint64_t>>("seeds", {1});
  if (const auto* attacks = fields.find("attacks")) {
    OFAPT_CHECK(attacks->is_array(), ErrorKind::kUsage, where, ": 'attacks' must be a list");
    for (size_t i = 0; i < attacks->size(); ++i) {
      Fields a((*attacks)[i], where + " attacks[" + std::to_string(i) + "]");
      AttackSweep sweep;
      sweep.attack.method = a.get<std::string>("method", sweep.attack.method);
      sweep.attack.space = a.get<std::string>("space", sweep.attack.space);
      sweep.attack.steps = a.get<int64_t>("steps", sweep.attack.steps);
      sweep.attack.step_size = a.get<double>("step_size", sweep.attack.step_size);
      sweep.epsilons = a.get<std::vector<double>>("eps", {});
      a.finish();
      OFAPT_CHECK(!sweep.epsilons.empty(), ErrorKind::kUsage, a.where(), ": 'eps' lists no radius");
      for (const double epsilon : sweep.epsilons) {
        AttackOptions check = sweep.attack;
        check.epsilon = epsilon;
        check.check();
      }
      spec.attacks.push_back(sweep);
    }
  }
  const auto* groups = fields.find("groups");
  OFAPT_CHECK(groups != nullptr && groups->is_array() && !groups->empty(), ErrorKind::kUsage, where,
              ": 'groups' must list at least one group");
  std::set<std::string> names;
  for (size_t i = 0; i < groups->size(); ++i) {
    Fields g((*groups)[i], where + " groups[" + std::to_string(i) + "]");
    StudyGroup group;
    group.name = g.get<std::string>("name", "");
    OFAPT_CHECK(!group.name.empty() && names.insert(group.name).second, ErrorKind::kUsage, g.where(),
                ": every group needs its own 'name'");
    group.tasks = g.get<std::vector<std::string>>("tasks", {});
    OFAPT_CHECK(!group.tasks.empty(), ErrorKind::kUsage, g.where(), ": 'tasks' lists no task");
    for (const auto& task : group.tasks) {
      OFAPT_CHECK(kTasks.count(task), ErrorKind::kUsage, g.where(), ": task '", task,
                  "' is not caption, refcoco, vqa or snli_ve");
    }
    const auto* methods = g.find("methods");
    OFAPT_CHECK(methods != nullptr && methods->is_array() && !methods->empty(), ErrorKind::kUsage, g.where(),
                ": 'methods' lists no method");
    for (size_t m = 0; m < methods->size(); ++m) {
      StudyMethod method = parse_method((*methods)[m], g.where() + " methods[" + std::to_string(m) + "]");
      // A method that names no rate of its own takes the spec's grid for its family.
      const auto family = spec.lr_grid.find(TuningSpec::parse(method.spec).method);
      if (method.lr_grid.empty() && method.learning_rate == 0 && !method.lr_find && family != spec.lr_grid.end())
        method.lr_grid = family->second;
      group.methods.push_back(method);
    }
    group.seeds = g.get<std::vector<uint64_t>>("seeds", seeds);
    OFAPT_CHECK(!group.seeds.empty(), ErrorKind::kUsage, g.where(), ": 'seeds' is empty");
    // Ascending and once each: runs go seed by seed, and a grid's rate is chosen on the first.
    std::sort(group.seeds.begin(), group.seeds.end());
    group.seeds.erase(std::unique(group.seeds.begin(), group.seeds.end()), group.seeds.end());
    group.attack = g.get<bool>("attack", false);
    group.x = g.get<std::string>("x", "");
    g.finish();
    for (const auto& method : group.methods) {
      OFAPT_CHECK(method.early_stop == 0 || spec.valid_every > 0, ErrorKind::kUsage, where, ": group '", group.name,
                  "': early_stop needs 'valid_every' > 0");
    }
    spec.groups.push_back(group);
  }
  fields.finish();
  return spec;
}

std::string StudyRun::directory() const {
  std::string name = file_name_of(method.spec);
  char text[64];
  if (method.learning_rate > 0) {
    std::snprintf(text, sizeof text, "-lr%g", method.learning_rate);
    name += text;
  } else if (lr_chosen_on_seed > 0) {
    name += "-lr(chosen)";
  }
  if (method.warmup_ratio >= 0) {
    std::snprintf(text, sizeof text, "-warmup%g", method.warmup_ratio);
    name += text;
  }
  if (method.early_stop > 0) name += "-stop" + std::to_string(method.early_stop);
  if (method.lr_find) name += "-lrfind";
  return join_path(join_path(join_path("runs", task), name), "seed" + std::to_string(seed));
}

std::vector<StudyRun> study_runs(const StudySpec& spec) {
  std::vector<StudyRun> out;
  std::map<std::string, size_t> index_of;
  for (const auto& group : spec.groups) {
    for (const auto& task : group.tasks) {
      for (const auto& method : group.methods) {
        auto add = [&](const StudyRun& run) {
          const auto [at, added] = index_of.emplace(run.directory(), out.size());
          if (added)
            out.push_back(run);
          else
            out[at->second].attack = out[at->second].attack || run.attack;
        };
        for (const uint64_t seed : group.seeds) {
          StudyRun run{task, method, seed, group.attack && !spec.attacks.empty()};
          if (method.lr_grid.empty()) {
            add(run);
          } else if (seed == group.seeds.front()) {
            for (size_t i = 0; i < method.lr_grid.size(); ++i) {  // the grid, on the first seed
              StudyRun member = run;
              member.method.learning_rate = method.lr_grid[i];
              member.grid_index = i;
              add(member);
            }
          } else {
            run.lr_chosen_on_seed = group.seeds.front();
            add(run);
          }
        }
      }
    }
  }
  // Seed by seed: a study stopped early (or still running) has every cell at its first seeds.
  std::stable_sort(out.begin(), out.end(), [](const StudyRun& a, const StudyRun& b) {
    return a.seed != b.seed ? a.seed < b.seed : a.grid_index < b.grid_index;
  });
  return out;
}

}  // namespace ofapt
