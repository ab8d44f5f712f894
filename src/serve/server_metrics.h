// The server's counters for GET /metrics (Prometheus text format 0.0.4): requests by endpoint and
// status, answer latency histograms per inference endpoint, and the gauges the caller passes in
// (queue depth, batches, registered prompts, memory) at render time.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace ofapt {

class ServerMetrics {
 public:
  void count_request(const std::string& endpoint, int status);
  void observe_latency(const std::string& endpoint, double milliseconds);

  struct Gauge {
    std::string name, help, type;  // type: gauge | counter
    double value;
  };
  std::string render(const std::vector<Gauge>& gauges) const;

 private:
  static const std::vector<double>& buckets_ms();
  struct Histogram {
    std::vector<int64_t> counts;  // per bucket (cumulative at render), then +Inf
    double sum = 0.0;
    int64_t count = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::map<std::string, Histogram> latency_;
};

}  // namespace ofapt
