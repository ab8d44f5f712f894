#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace ofapt {

double PolynomialDecaySchedule::at(int64_t update) const {
  if (warmup > 0 && update <= warmup) return peak * static_cast<double>(std::max<int64_t>(update, 1)) / warmup;
  if (update >= total) return end;
  const double remaining = 1.0 - static_cast<double>(update - warmup) / static_cast<double>(total - warmup);
  return (peak - end) * std::pow(remaining, power) + end;
}

}  // namespace ofapt
