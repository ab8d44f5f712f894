// The fair protocol's learning rate (docs/study.md): a method with a grid trains once per rate on
// its group's first seed, and the rate whose run scored best on validation (the run's "best") is
// the method's rate for every other seed, fixed before any of them trains.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "study/study_spec.h"

namespace ofapt {

// The finished run record of a run directory (StudyRun::directory()), or null when it has none.
using RunRecordLookup = std::function<const nlohmann::json*(const std::string& directory)>;

// The lookup over records kept by directory (the map must outlive it).
RunRecordLookup lookup_in(const std::map<std::string, nlohmann::json>& records);

// The grid rate whose first-seed run has the highest validation best (the first in grid order on a
// tie); nullopt while any run of the grid has no record.
std::optional<double> choose_learning_rate(const std::string& task, const StudyMethod& method, uint64_t first_seed,
                                           const RunRecordLookup& record_of);

// `run` with its learning rate chosen (a run with a fixed rate comes back as it is); nullopt while
// the grid it is chosen from is unfinished.
std::optional<StudyRun> with_chosen_learning_rate(const StudyRun& run, const RunRecordLookup& record_of);

// The runs of one method in one task over `seeds`, as the method table counts them: a grid method's
// runs at its chosen rate (none while the grid is unfinished).
std::vector<StudyRun> table_runs(const std::string& task, const StudyMethod& method,
                                 const std::vector<uint64_t>& seeds, const RunRecordLookup& record_of);

}  // namespace ofapt
