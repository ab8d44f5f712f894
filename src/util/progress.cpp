#include "util/progress.h"

#include <unistd.h>

#include <cstdio>

namespace ofapt {

std::string format_duration(double seconds) {
  if (seconds < 0) return "?";
  const auto total = static_cast<int64_t>(seconds + 0.5);
  char buffer[32];
  if (total >= 3600) {
    std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", static_cast<long long>(total / 3600),
                  static_cast<long long>(total % 3600 / 60));
  } else if (total >= 60) {
    std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", static_cast<long long>(total / 60),
                  static_cast<long long>(total % 60));
  } else {
    std::snprintf(buffer, sizeof(buffer), "%llds", static_cast<long long>(total));
  }
  return buffer;
}

Progress::Progress(std::string label, int64_t total, int64_t start)
    : label_(std::move(label)),
      total_(total),
      start_(start),
      terminal_(isatty(fileno(stderr)) != 0),
      began_(std::chrono::steady_clock::now()) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count();
}

double Progress::eta_seconds(int64_t done) const {
  const int64_t new_work = done - start_;
  if (total_ <= 0 || new_work <= 0) return -1;
  return elapsed_seconds() / static_cast<double>(new_work) * static_cast<double>(total_ - done);
}

void Progress::update(int64_t done, const std::vector<std::pair<std::string, std::string>>& fields, int64_t items) {
  items_ += items;
  std::string line = label_ + " " + std::to_string(done);
  if (total_ > 0) line += "/" + std::to_string(total_);
  for (const auto& [name, value] : fields) line += "  " + name + " " + value;
  const double elapsed = elapsed_seconds();
  if (elapsed > 0) {
    char rate[48];
    if (items_ > 0) {
      std::snprintf(rate, sizeof(rate), "  %.1f samples/s", static_cast<double>(items_) / elapsed);
    } else {
      std::snprintf(rate, sizeof(rate), "  %.2f steps/s", static_cast<double>(done - start_) / elapsed);
    }
    line += rate;
  }
  if (total_ > 0) line += "  ETA " + format_duration(eta_seconds(done));
  std::fprintf(stderr, terminal_ ? "\r%s\033[K" : "%s\n", line.c_str());
  std::fflush(stderr);
}

void Progress::finish() {
  if (terminal_) std::fprintf(stderr, "\n");
}

}  // namespace ofapt
