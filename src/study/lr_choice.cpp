#include "study/lr_choice.h"

namespace ofapt {

RunRecordLookup lookup_in(const std::map<std::string, nlohmann::json>& records) {
  return [&records](const std::string& directory) -> const nlohmann::json* {
    const auto found = records.find(directory);
    return found == records.end() ? nullptr : &found->second;
  };
}

std::optional<double> choose_learning_rate(const std::string& task, const StudyMethod& method, uint64_t first_seed,
                                           const RunRecordLookup& record_of) {
  std::optional<double> chosen;
  double best = 0.0;
  for (const double rate : method.lr_grid) {
    StudyRun member{task, method, first_seed};
    member.method.learning_rate = rate;
    const nlohmann::json* record = record_of(member.directory());
    if (record == nullptr || !record->contains("best") || !(*record)["best"].is_number()) return std::nullopt;
    const double value = (*record)["best"].get<double>();
    if (!chosen || value > best) {
      chosen = rate;
      best = value;
    }
  }
  return chosen;
}

std::optional<StudyRun> with_chosen_learning_rate(const StudyRun& run, const RunRecordLookup& record_of) {
  if (run.lr_chosen_on_seed == 0) return run;
  const auto rate = choose_learning_rate(run.task, run.method, run.lr_chosen_on_seed, record_of);
  if (!rate) return std::nullopt;
  StudyRun chosen = run;
  chosen.method.learning_rate = *rate;
  chosen.lr_chosen_on_seed = 0;
  return chosen;
}

std::vector<StudyRun> table_runs(const std::string& task, const StudyMethod& method,
                                 const std::vector<uint64_t>& seeds, const RunRecordLookup& record_of) {
  StudyMethod fixed = method;
  if (!method.lr_grid.empty()) {
    const auto rate = choose_learning_rate(task, method, seeds.front(), record_of);
    if (!rate) return {};
    fixed.learning_rate = *rate;
  }
  std::vector<StudyRun> out;
  for (const uint64_t seed : seeds) out.push_back(StudyRun{task, fixed, seed});
  return out;
}

}  // namespace ofapt
