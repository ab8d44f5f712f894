// A run's learning curve, read back from its train_log.jsonl: the validation score at each
// validation step, against updates and against training seconds (validation time left out, and a
// resumed run's segments laid end to end), and when it first reached a target score.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ofapt {

struct CurvePoint {
  int64_t step = 0;
  double seconds = 0.0;  // training time up to this step
  double value = 0.0;
};

struct LearningCurve {
  std::vector<CurvePoint> points;
  double train_seconds = 0.0;  // at the last logged update

  // The first point at or above `target`; nullptr if never reached.
  const CurvePoint* first_reaching(double target) const;
  nlohmann::json to_json() const;
  // The points of to_json() (train_seconds is not part of it).
  static LearningCurve from_json(const nlohmann::json& points);
};

// Throws Error(kInput) naming the file and line for a record that is not JSON.
LearningCurve read_learning_curve(const std::string& train_log_path);

}  // namespace ofapt
