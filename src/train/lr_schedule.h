// fairseq's polynomial_decay schedule with power 1 (ofa-spec 10.1): a linear warmup from 0 to the
// peak over `warmup` updates, then a linear decay to `end` at `total` updates.
#pragma once

#include <cstdint>

namespace ofapt {

struct PolynomialDecaySchedule {
  double peak = 1e-4;
  double end = 0.0;
  int64_t warmup = 0;
  int64_t total = 1;
  double power = 1.0;

  // The rate of update `update` (0-based), as fairseq sets it before that update:
  // update 0 gets peak/warmup, update k <= warmup gets peak·k/warmup.
  double at(int64_t update) const;
};

}  // namespace ofapt
