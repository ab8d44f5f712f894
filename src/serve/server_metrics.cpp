#include "serve/server_metrics.h"

#include <algorithm>
#include <sstream>

namespace ofapt {

const std::vector<double>& ServerMetrics::buckets_ms() {
  static const std::vector<double> buckets = {5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};
  return buckets;
}

void ServerMetrics::count_request(const std::string& endpoint, int status) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{endpoint, status}];
}

void ServerMetrics::observe_latency(const std::string& endpoint, double milliseconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  Histogram& histogram = latency_[endpoint];
  if (histogram.counts.empty()) histogram.counts.assign(buckets_ms().size() + 1, 0);
  const auto bucket = std::lower_bound(buckets_ms().begin(), buckets_ms().end(), milliseconds) - buckets_ms().begin();
  ++histogram.counts[bucket];
  histogram.sum += milliseconds;
  ++histogram.count;
}

std::string ServerMetrics::render(const std::vector<Gauge>& gauges) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostringstream out;
  out << "# HELP ofapt_requests_total HTTP requests by endpoint and status.\n"
      << "# TYPE ofapt_requests_total counter\n";
  for (const auto& [key, count] : requests_)
    out << "ofapt_requests_total{endpoint=\"" << key.first << "\",status=\"" << key.second << "\"} " << count << "\n";
  out << "# HELP ofapt_request_duration_ms Time from receiving an inference request to its answer.\n"
      << "# TYPE ofapt_request_duration_ms histogram\n";
  for (const auto& [endpoint, histogram] : latency_) {
    int64_t cumulative = 0;
    for (size_t b = 0; b < buckets_ms().size(); ++b) {
      cumulative += histogram.counts[b];
      out << "ofapt_request_duration_ms_bucket{endpoint=\"" << endpoint << "\",le=\"" << buckets_ms()[b] << "\"} "
          << cumulative << "\n";
    }
    out << "ofapt_request_duration_ms_bucket{endpoint=\"" << endpoint << "\",le=\"+Inf\"} " << histogram.count << "\n"
        << "ofapt_request_duration_ms_sum{endpoint=\"" << endpoint << "\"} " << histogram.sum << "\n"
        << "ofapt_request_duration_ms_count{endpoint=\"" << endpoint << "\"} " << histogram.count << "\n";
  }
  for (const auto& gauge : gauges) {
    out << "# HELP " << gauge.name << " " << gauge.help << "\n# TYPE " << gauge.name << " " << gauge.type << "\n"
        << gauge.name << " " << gauge.value << "\n";
  }
  return out.str();
}

}  // namespace ofapt
