// The study's report: report.md with one section per group and task (mean and spread over seeds of
// the score, cost, time-to-target and robustness) and its plots under plots/ (gnuplot_chart.h):
// learning curves against updates and against seconds, score against the group's x option (or
// bars), and score against attack radius.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

#include "study/study_spec.h"

namespace ofapt {

struct StudyReportInfo {
  std::string command;    // how the study was run, quoted in the report
  std::string spec_file;  // the spec, as kept beside the report
};

// `records`: run.json of each run, by StudyRun::directory(). Runs missing from it are listed as
// not run. Writes <study_dir>/report.md atomically; returns its path.
std::string write_study_report(const StudySpec& spec, const std::map<std::string, nlohmann::json>& records,
                               const std::string& study_dir, const StudyReportInfo& info);

}  // namespace ofapt
