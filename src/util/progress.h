// One-line progress for long work: "step 120/400  loss 2.31  lr 3.0e-02  18.2 samples/s  ETA 1m32s".
// On a terminal the line is redrawn in place; otherwise each call prints a new line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ofapt {

// "1h02m", "3m05s", "42s"
std::string format_duration(double seconds);

class Progress {
 public:
  // total: steps expected (0 = unknown); start: the step the run resumes from (rate counts only new work).
  Progress(std::string label, int64_t total, int64_t start = 0);

  // Prints the line for `done` steps with extra "name value" fields; `items` counts work units for
  // the rate (samples), when 0 the rate is in steps/s.
  void update(int64_t done, const std::vector<std::pair<std::string, std::string>>& fields, int64_t items = 0);
  void finish();  // ends the line on a terminal

  double elapsed_seconds() const;
  double eta_seconds(int64_t done) const;  // negative when unknown

 private:
  std::string label_;
  int64_t total_, start_;
  int64_t items_ = 0;
  bool terminal_;
  std::chrono::steady_clock::time_point began_;
};

}  // namespace ofapt
