#include "study/study_report.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>

#include "study/gnuplot_chart.h"
#include "study/learning_curve.h"
#include "study/lr_choice.h"
#include "tuning/tuning_spec.h"
#include "util/file.h"
#include "util/strings.h"

namespace ofapt {
namespace {

struct Spread {
  double mean = 0.0, sd = 0.0;
  size_t n = 0;
};

Spread spread_of(const std::vector<double>& values) {
  Spread out;
  out.n = values.size();
  if (values.empty()) return out;
  for (const double v : values) out.mean += v;
  out.mean /= static_cast<double>(values.size());
  if (values.size() > 1) {
    double squares = 0.0;
    for (const double v : values) squares += (v - out.mean) * (v - out.mean);
    out.sd = std::sqrt(squares / static_cast<double>(values.size() - 1));  // sample standard deviation
  }
  return out;
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string with_spread(const Spread& s, const char* pattern = "%.3f") {
  if (s.n == 0) return "not run";
  std::string out = format(pattern, s.mean);
  if (s.n > 1) out += " ± " + format(pattern, s.sd);
  return out + " (" + std::to_string(s.n) + ")";
}

// The step and training second at which each run's curve first reached `threshold` (runs that did).
struct Reached {
  std::vector<double> steps, seconds;
};

Reached reached_at(const std::vector<const nlohmann::json*>& runs, double threshold) {
  Reached out;
  for (const auto* run : runs) {
    const LearningCurve curve = LearningCurve::from_json((*run)["curve"]);
    if (const CurvePoint* point = curve.first_reaching(threshold)) {
      out.steps.push_back(static_cast<double>(point->step));
      out.seconds.push_back(point->seconds);
    }
  }
  return out;
}

// "k/n: updates, seconds" (means over the k runs that reached `threshold`).
std::string time_to(const std::vector<const nlohmann::json*>& runs, double threshold) {
  const Reached reached = reached_at(runs, threshold);
  if (reached.steps.empty()) return "0/" + std::to_string(runs.size());
  return std::to_string(reached.steps.size()) + "/" + std::to_string(runs.size()) + ": " +
         format("%.0f", spread_of(reached.steps).mean) + " upd, " + format("%.0f", spread_of(reached.seconds).mean) +
         " s";
}

// The peak rate a run trained at: its own, the range test's, or the method's default.
std::string learning_rate_cell(const nlohmann::json& record) {
  const auto& found = record.value("lr_find", nlohmann::json());
  if (found.is_object()) return format("%.3g", found.value("learning_rate", 0.0)) + " (lr-find)";
  const double rate = record.value("learning_rate", 0.0);
  return rate > 0 ? format("%g", rate) : "default";
}

// "trainable (share of all) | file size" of a run record: the cost columns of every table.
std::string size_cells(const nlohmann::json& record) {
  const double trainable = record["trainable_parameters"].get<double>();
  return format("%.0f", trainable) + " (" + format("%.2f", 100.0 * trainable / record["total_parameters"].get<double>()) +
         " %) | " + human_bytes(record["file_bytes"].get<double>());
}

std::string metric_of(const std::string& task) {
  return task == "caption" ? "CIDEr-D" : task == "refcoco" ? "Acc@0.5" : "accuracy";
}

// The runs of one method in one task, over the group's seeds (those that have records); a grid
// method's at its chosen rate.
std::vector<const nlohmann::json*> records_of(const std::map<std::string, nlohmann::json>& records,
                                              const std::string& task, const StudyMethod& method,
                                              const std::vector<uint64_t>& seeds) {
  std::vector<const nlohmann::json*> out;
  for (const auto& run : table_runs(task, method, seeds, lookup_in(records))) {
    if (const nlohmann::json* record = lookup_in(records)(run.directory())) out.push_back(record);
  }
  return out;
}

// The finished first-seed runs of a grid method's rates (none without a grid).
std::vector<const nlohmann::json*> grid_records(const std::map<std::string, nlohmann::json>& records,
                                                const std::string& task, const StudyMethod& method,
                                                uint64_t first_seed) {
  std::vector<const nlohmann::json*> out;
  for (const double rate : method.lr_grid) {
    StudyRun member{task, method, first_seed};
    member.method.learning_rate = rate;
    if (const nlohmann::json* record = lookup_in(records)(member.directory())) out.push_back(record);
  }
  return out;
}

// The runs a table row shows: the method's runs at its chosen rate; while its grid is unfinished,
// the best of the grid runs finished so far (the row says so).
std::vector<const nlohmann::json*> shown_records(const std::map<std::string, nlohmann::json>& records,
                                                 const std::string& task, const StudyMethod& method,
                                                 const std::vector<uint64_t>& seeds, bool* grid_unfinished) {
  auto runs = records_of(records, task, method, seeds);
  *grid_unfinished = false;
  if (!runs.empty() || method.lr_grid.empty()) return runs;
  const nlohmann::json* best = nullptr;
  for (const auto* record : grid_records(records, task, method, seeds.front())) {
    const auto& value = (*record)["best"];
    if (value.is_number() && (best == nullptr || value.get<double>() > (*best)["best"].get<double>())) best = record;
  }
  if (best == nullptr) return runs;
  *grid_unfinished = true;
  return {best};
}

// The test score of each run that has one.
std::vector<double> test_values(const std::vector<const nlohmann::json*>& runs) {
  std::vector<double> out;
  for (const auto* run : runs) {
    if (run->contains("test") && (*run)["test"]["value"].is_number()) out.push_back((*run)["test"]["value"].get<double>());
  }
  return out;
}


std::vector<double> field(const std::vector<const nlohmann::json*>& runs, const std::string& key) {
  std::vector<double> out;
  for (const auto* run : runs) {
    if (run->contains(key) && (*run)[key].is_number()) out.push_back((*run)[key].get<double>());
  }
  return out;
}

// The mean learning curve over seeds (points matched by position: the runs share valid_every).
ChartSeries mean_curve(const std::string& title, const std::vector<const nlohmann::json*>& runs, bool by_seconds) {
  ChartSeries series{title, {}, {}, {}};
  size_t length = SIZE_MAX;
  for (const auto* run : runs) length = std::min(length, (*run)["curve"].size());
  if (runs.empty()) return series;
  for (size_t i = 0; i < length; ++i) {
    std::vector<double> xs, ys;
    for (const auto* run : runs) {
      const auto& point = (*run)["curve"][i];
      xs.push_back(point[by_seconds ? "seconds" : "step"].get<double>());
      ys.push_back(point["value"].get<double>());
    }
    series.x.push_back(spread_of(xs).mean);
    series.y.push_back(spread_of(ys).mean);
  }
  return series;
}

// The attack kinds (method and space, e.g. "fgsm-embedding") in the order of the spec.
std::vector<std::pair<std::string, std::string>> attack_kinds(const StudySpec& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& sweep : spec.attacks) {
    const std::pair<std::string, std::string> kind{sweep.attack.method, sweep.attack.space};
    if (std::find(out.begin(), out.end(), kind) == out.end()) out.push_back(kind);
  }
  return out;
}

std::vector<double> robust_values(const std::vector<const nlohmann::json*>& runs, const std::string& attack_name) {
  std::vector<double> out;
  for (const auto* run : runs) {
    for (const auto& result : run->value("robust", nlohmann::json::array())) {
      if (result.value("attack", "") == attack_name) out.push_back(result["value"].get<double>());
    }
  }
  return out;
}

class ReportWriter {
 public:
  ReportWriter(const StudySpec& spec, const std::map<std::string, nlohmann::json>& records, std::string study_dir)
      : spec_(spec), records_(records), study_dir_(std::move(study_dir)), plots_dir_(join_path(study_dir_, "plots")) {
    make_directory(plots_dir_);
    drawn_ = gnuplot_available();
  }

  // " (weights <hash>)" from the runs' records; a study whose records name several base models says so.
  std::string base_model_weights() const {
    std::set<std::string> hashes;
    for (const auto& [directory, record] : records_) {
      hashes.insert(record.value("base_model", nlohmann::json::object()).value("weights_hash", "not recorded"));
    }
    if (hashes.empty()) return "";
    if (hashes.size() == 1) return " (weights " + *hashes.begin() + ")";
    std::string list;
    for (const auto& hash : hashes) list += (list.empty() ? "" : ", ") + hash;
    return " (**the runs were made on " + std::to_string(hashes.size()) + " base models**: weights " + list + ")";
  }

  std::string write(const StudyReportInfo& info) {
    out_ << "# Study report\n\n"
         << "- Command: `" << info.command << "`\n"
         << "- Spec: [`" << info.spec_file << "`](" << info.spec_file << ")\n"
         << "- Base model: `" << spec_.model << "`" << base_model_weights() << "; data: "
         << (spec_.data.empty() ? "the synthetic world, seed " + std::to_string(spec_.world.seed) + " (" +
                                      std::to_string(spec_.world.train_images) + " train / " +
                                      std::to_string(spec_.world.val_images) + " val" +
                                      (spec_.world.test_images > 0
                                           ? " / " + std::to_string(spec_.world.test_images) + " test"
                                           : std::string()) +
                                      " images)"
                                : "`" + spec_.data + "`")
         << "\n- Each run: " << spec_.steps << " updates of batch " << spec_.batch_size << " at most; the score is the task's"
         << " metric on the first " << spec_.eval_rows << " val rows after the last update; the curve has a point"
         << " every " << spec_.valid_every << " updates (step 0 = the base model zero-shot). Times are training"
         << " seconds on this machine with validation left out. Spread: mean ± sample standard deviation (seeds).\n"
         << "- Where a table has a test column, each run's state that was best on val was scored once on the test"
         << " rows" << (spec_.test_rows > 0 ? " (the first " + std::to_string(spec_.test_rows) + ")" : "")
         << ", and a method marked (grid) had its learning rate chosen on its group's first seed by val best.\n";
    if (!drawn_)
      out_ << "- Plots were not drawn: gnuplot is not installed (`apt install gnuplot-nox`). Their "
              "data and scripts are in plots/.\n";
    for (const auto& group : spec_.groups) write_group(group);
    const std::string path = join_path(study_dir_, "report.md");
    write_file_atomic(path, out_.str());
    return path;
  }

 private:
  void plot(const Chart& chart, const std::string& name, const std::string& caption) {
    if (chart.series.empty()) return;  // nothing finished to draw (gnuplot refuses an empty plot)
    draw_chart(chart, join_path(plots_dir_, name));
    out_ << "\n" << (drawn_ ? "![" + caption + "](plots/" + name + ".svg)" : "(plot: plots/" + name + ".gp)") << "\n";
  }

  void write_group(const StudyGroup& group) {
    out_ << "\n## " << group.name << "\n";
    for (const auto& task : group.tasks) {
      out_ << "\n### " << group.name << ": " << task << " (" << metric_of(task) << ")\n\n";
      bool any_run = false;
      for (const auto& method : group.methods) {
        bool unfinished = false;
        any_run = any_run || !shown_records(records_, task, method, group.seeds, &unfinished).empty();
      }
      if (!any_run) {
        out_ << "No run of this task has finished yet.\n";
        continue;
      }
      if (has_test(group, task)) {
        write_test_table(group, task);
        write_lr_choice(group, task);
      } else {
        write_table(group, task);
      }
      write_plots(group, task);
      if (group.attack && !spec_.attacks.empty()) write_robustness(group, task);
    }
  }

  void write_table(const StudyGroup& group, const std::string& task) {
    const auto target = spec_.targets.find(task);
    const bool has_target = target != spec_.targets.end();
    out_ << "| method | trainable | file | " << metric_of(task) << " | zero-shot |"
         << (has_target ? " reached " + format("%.3g", target->second) + " | steps to it | seconds to it |" : "")
         << " train s | s/update | peak MB |\n|---|---|---|---|---|" << (has_target ? "---|---|---|" : "")
         << "---|---|---|\n";
    for (const auto& method : group.methods) {
      const auto runs = shown(task, method, group.seeds);
      out_ << "| " << method.label << " | ";
      if (runs.empty()) {
        out_ << "not run |  |  |  |" << (has_target ? "  |  |  |" : "") << "  |  |  |\n";
        continue;
      }
      const auto& first = *runs.front();
      out_ << size_cells(first) << " | " << with_spread(spread_of(field(runs, "final")))
           << " | " << format("%.3f", first["zero_shot"].get<double>()) << " |";
      if (has_target) {
        // From the curves, so a target can be changed after the runs (--report-only).
        const Reached reached = reached_at(runs, target->second);
        out_ << " " << reached.steps.size() << "/" << runs.size() << " | "
             << (reached.steps.empty() ? "—" : with_spread(spread_of(reached.steps), "%.0f")) << " | "
             << (reached.steps.empty() ? "—" : with_spread(spread_of(reached.seconds), "%.0f")) << " |";
      }
      out_ << " " << with_spread(spread_of(field(runs, "train_seconds")), "%.0f") << " | "
           << format("%.3f", spread_of(field(runs, "seconds_per_step")).mean) << " | "
           << format("%.0f", spread_of(field(runs, "peak_memory_mb")).mean) << " |\n";
    }
  }

  std::vector<const nlohmann::json*> shown(const std::string& task, const StudyMethod& method,
                                           const std::vector<uint64_t>& seeds) const {
    bool grid_unfinished = false;
    return shown_records(records_, task, method, seeds, &grid_unfinished);
  }

  bool has_test(const StudyGroup& group, const std::string& task) const {
    for (const auto& method : group.methods) {
      bool unfinished = false;
      if (!test_values(shown_records(records_, task, method, group.seeds, &unfinished)).empty()) return true;
    }
    return false;
  }

  // The fair protocol's table: test score of the best-on-val state, its ratio to finetuning's, and
  // how soon each method's val curve reached 95 % and 98 % of finetuning's best val score.
  void write_test_table(const StudyGroup& group, const std::string& task) {
    const StudyMethod* reference = nullptr;
    for (const auto& method : group.methods) {
      if (reference == nullptr && TuningSpec::parse(method.spec).method == "finetune") reference = &method;
    }
    double reference_test = 0.0, reference_best = 0.0;
    if (reference != nullptr) {
      const auto runs = shown(task, *reference, group.seeds);
      reference_test = spread_of(test_values(runs)).mean;
      reference_best = spread_of(field(runs, "best")).mean;
    }
    const bool ratios = reference_test > 0 && reference_best > 0;
    out_ << "| method | lr | trainable | file | test " << metric_of(task) << " | val best | updates (best at) |"
         << (ratios ? " test ÷ finetune | to 95 % of FT val best | to 98 % |" : "")
         << " train s | s/update |\n|---|---|---|---|---|---|---|" << (ratios ? "---|---|---|" : "") << "---|---|\n";
    for (const auto& method : group.methods) {
      bool grid_unfinished = false;
      const auto runs = shown_records(records_, task, method, group.seeds, &grid_unfinished);
      out_ << "| " << method.label << " | ";
      if (runs.empty()) {
        out_ << "not run |  |  |  |  |  |" << (ratios ? "  |  |  |" : "") << "  |  |\n";
        continue;
      }
      const auto& first = *runs.front();
      const Spread test = spread_of(test_values(runs));
      const std::string grid_note =
          method.lr_grid.empty() ? ""
          : grid_unfinished      ? " (grid unfinished: best of " +
                                  std::to_string(grid_records(records_, task, method, group.seeds.front()).size()) +
                                  " of " + std::to_string(method.lr_grid.size()) + " rates so far)"
                                 : " (grid)";
      out_ << learning_rate_cell(first) << grid_note << " | "
           << size_cells(first) << " | " << with_spread(test) << " | "
           << with_spread(spread_of(field(runs, "best"))) << " | " << format("%.0f", spread_of(field(runs, "steps")).mean)
           << " (" << format("%.0f", spread_of(field(runs, "best_step")).mean) << ") |";
      if (ratios) {
        out_ << " " << format("%.3f", test.mean / reference_test) << " | " << time_to(runs, 0.95 * reference_best)
             << " | " << time_to(runs, 0.98 * reference_best) << " |";
      }
      out_ << " " << with_spread(spread_of(field(runs, "train_seconds")), "%.0f") << " | "
           << format("%.3f", spread_of(field(runs, "seconds_per_step")).mean) << " |\n";
    }
    if (ratios) {
      out_ << "\nFinetuning's val best (mean over its seeds): " << format("%.4f", reference_best)
           << "; \"to 95 %\" counts the runs whose val curve reached 0.95 x that, with the mean updates and "
              "training seconds at the first point that did.\n";
    }
  }

  // Each grid method's first-seed runs, one per rate, and the rate chosen for its other seeds.
  void write_lr_choice(const StudyGroup& group, const std::string& task) {
    bool any = false;
    for (const auto& method : group.methods) any = any || !method.lr_grid.empty();
    if (!any) return;
    out_ << "\nLearning rates (val best on seed " << group.seeds.front() << "; the chosen rate in bold):\n\n";
    for (const auto& method : group.methods) {
      if (method.lr_grid.empty()) continue;
      const auto chosen = choose_learning_rate(task, method, group.seeds.front(), lookup_in(records_));
      out_ << "- " << method.label << ":";
      for (const double rate : method.lr_grid) {
        StudyRun member{task, method, group.seeds.front()};
        member.method.learning_rate = rate;
        const auto* record = lookup_in(records_)(member.directory());
        const std::string value = record == nullptr                 ? "not run"
                                  : !(*record)["best"].is_number() ? "no score"
                                                                   : format("%.4f", (*record)["best"].get<double>());
        const bool bold = chosen && *chosen == rate;
        out_ << " " << (bold ? "**" : "") << format("%g", rate) << ": " << value << (bold ? "**" : "");
      }
      out_ << "\n";
    }
  }

  void write_plots(const StudyGroup& group, const std::string& task) {
    const std::string stem = group.name + "-" + task;
    for (const bool by_seconds : {false, true}) {
      Chart curves{group.name + ": " + task + " learning curves (mean over seeds)",
                   by_seconds ? "training seconds" : "updates",
                   metric_of(task) + " (val)",
                   false,
                   {}};
      for (const auto& method : group.methods) {
        const auto runs = shown(task, method, group.seeds);
        if (!runs.empty()) curves.series.push_back(mean_curve(method.label, runs, by_seconds));
      }
      if (curves.series.empty()) return;
      plot(curves, stem + (by_seconds ? "-curve-seconds" : "-curve"),
           task + " learning curves against " + (by_seconds ? "seconds" : "updates"));
    }
    Chart scores{group.name + ": " + task,
                 group.x.empty() ? "" : group.x,
                 metric_of(task) + " (val, mean ± sd)",
                 group.x.empty(),
                 {}};
    ChartSeries line{group.name, {}, {}, {}};
    for (const auto& method : group.methods) {
      const auto runs = shown(task, method, group.seeds);
      if (runs.empty()) continue;
      const Spread s = spread_of(field(runs, "final"));
      if (group.x.empty()) {
        scores.series.push_back({method.label, {0.0}, {s.mean}, {s.sd}});
      } else {
        const auto options = TuningSpec::parse(method.spec).options;
        const auto x = options.find(group.x);
        if (x == options.end()) continue;  // a method without the option (a baseline) is in the table only
        line.x.push_back(std::atof(x->second.c_str()));
        line.y.push_back(s.mean);
        line.error.push_back(s.sd);
      }
    }
    if (!group.x.empty()) scores.series.push_back(line);
    plot(scores, stem + (group.x.empty() ? "-bars" : "-" + group.x),
         task + " score by " + (group.x.empty() ? "method" : group.x));
  }

  void write_robustness(const StudyGroup& group, const std::string& task) {
    out_ << "\nRobustness (" << spec_.attack_rows << (has_test(group, task) ? " test rows, best-on-val state" : " val rows")
         << "; eps 0 = clean on the same rows):\n\n| method | clean |";
    std::vector<std::string> names;
    for (const auto& sweep : spec_.attacks) {
      for (const double epsilon : sweep.epsilons) {
        AttackOptions attack = sweep.attack;
        attack.epsilon = epsilon;
        names.push_back(attack.name());
        out_ << " " << attack.name() << " |";
      }
    }
    out_ << "\n|---|---|";
    for (size_t i = 0; i < names.size(); ++i) out_ << "---|";
    out_ << "\n";
    for (const auto& method : group.methods) {
      const auto runs = shown(task, method, group.seeds);
      out_ << "| " << method.label << " | " << with_spread(spread_of(field(runs, "clean_on_attack_rows"))) << " |";
      for (const auto& name : names) out_ << " " << with_spread(spread_of(robust_values(runs, name))) << " |";
      out_ << "\n";
    }
    for (const auto& [attack_method, space] : attack_kinds(spec_)) {
      Chart chart{group.name + ": " + task + " under " + attack_method + " (" + space + " space)",
                  space == "pixel" ? "epsilon (1/255)" : "epsilon (fraction of the position's RMS)",
                  metric_of(task),
                  false,
                  {}};
      for (const auto& method : group.methods) {
        const auto runs = shown(task, method, group.seeds);
        if (runs.empty()) continue;
        ChartSeries series{method.label, {0.0}, {spread_of(field(runs, "clean_on_attack_rows")).mean}, {}};
        for (const auto& sweep : spec_.attacks) {
          if (sweep.attack.method != attack_method || sweep.attack.space != space) continue;
          for (const double epsilon : sweep.epsilons) {
            AttackOptions attack = sweep.attack;
            attack.epsilon = epsilon;
            series.x.push_back(epsilon);
            series.y.push_back(spread_of(robust_values(runs, attack.name())).mean);
          }
        }
        chart.series.push_back(series);
      }
      plot(chart, group.name + "-" + task + "-" + attack_method + "-" + space,
           task + " under " + attack_method + " in " + space + " space");
    }
  }

  const StudySpec& spec_;
  const std::map<std::string, nlohmann::json>& records_;
  std::string study_dir_, plots_dir_;
  bool drawn_ = false;
  std::ostringstream out_;
};

}  // namespace

std::string write_study_report(const StudySpec& spec, const std::map<std::string, nlohmann::json>& records,
                               const std::string& study_dir, const StudyReportInfo& info) {
  return ReportWriter(spec, records, study_dir).write(info);
}

}  // namespace ofapt
