#include "study/learning_curve.h"

#include "util/error.h"
#include "util/file.h"
#include "util/strings.h"

namespace ofapt {

const CurvePoint* LearningCurve::first_reaching(double target) const {
  for (const auto& point : points) {
    if (point.value >= target) return &point;
  }
  return nullptr;
}

nlohmann::json LearningCurve::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : points) out.push_back({{"step", p.step}, {"seconds", p.seconds}, {"value", p.value}});
  return out;
}

LearningCurve LearningCurve::from_json(const nlohmann::json& points) {
  LearningCurve curve;
  for (const auto& p : points) {
    curve.points.push_back({p.value("step", int64_t{0}), p.value("seconds", 0.0), p.value("value", 0.0)});
  }
  return curve;
}

LearningCurve read_learning_curve(const std::string& train_log_path) {
  LearningCurve curve;
  double segment_start = 0.0;  // training seconds before this segment (earlier runs of a resumed job)
  double segment_valid = 0.0;  // validation seconds within this segment
  double last = 0.0;           // training seconds at the last record
  int line_number = 0;
  for (const auto& line : split_on(read_file(train_log_path), "\n")) {
    ++line_number;
    if (line.empty()) continue;
    const auto record = nlohmann::json::parse(line, nullptr, false);
    OFAPT_CHECK(record.is_object(), ErrorKind::kInput, train_log_path, ":", line_number, ": not a JSON record");
    const std::string event = record.value("event", "");
    if (event == "start") {
      segment_start = last;
      segment_valid = 0.0;
    } else if (event == "train") {
      last = segment_start + record.value("seconds", 0.0) - segment_valid;
      curve.train_seconds = last;
    } else if (event == "valid") {
      curve.points.push_back({record.value("step", int64_t{0}), last, record.value("value", 0.0)});
      segment_valid += record.value("seconds", 0.0);
    }
  }
  return curve;
}

}  // namespace ofapt
