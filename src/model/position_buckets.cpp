#include "model/position_buckets.h"

#include <cmath>

namespace ofapt {

torch::Tensor make_token_bucket_position(int64_t bucket_size, int64_t max_position) {
  auto context = torch::arange(max_position, torch::kLong).unsqueeze(1);
  auto memory = torch::arange(max_position, torch::kLong).unsqueeze(0);
  auto relative = context - memory;
  auto sign = torch::sign(relative);
  const int64_t mid = bucket_size / 2;
  auto abs_pos = torch::where((relative < mid) & (relative > -mid), torch::full_like(relative, mid - 1),
                              torch::abs(relative));
  // int64 / int is true division to float32, as in the reference; then log, scale, ceil in float32.
  auto log_pos = torch::ceil(torch::log(abs_pos / mid) / std::log(static_cast<double>(max_position - 1) / mid) *
                             (mid - 1)) +
                 mid;
  log_pos = log_pos.to(torch::kInt);
  auto bucket = torch::where(abs_pos.le(mid), relative, (log_pos * sign).to(torch::kLong)).to(torch::kLong);
  return bucket + bucket_size - 1;
}

torch::Tensor make_image_bucket_position(int64_t side) {
  const int64_t num_relative = (2 * side - 1) * (2 * side - 1) + 3;
  auto rows = torch::arange(side, torch::kLong).repeat_interleave(side);  // r of each cell, row-major
  auto cols = torch::arange(side, torch::kLong).repeat(side);             // c of each cell
  auto delta_r = rows.unsqueeze(1) - rows.unsqueeze(0) + (side - 1);
  auto delta_c = cols.unsqueeze(1) - cols.unsqueeze(0) + (side - 1);
  auto index = torch::zeros({side * side + 1, side * side + 1}, torch::kLong);
  index.slice(0, 1).slice(1, 1).copy_(delta_r * (2 * side - 1) + delta_c);
  index.select(0, 0).fill_(num_relative - 3);
  index.select(1, 0).fill_(num_relative - 2);
  index.index_put_({0, 0}, num_relative - 1);
  return index;
}

torch::Tensor image_position_ids(int64_t h, int64_t w, int64_t side) {
  auto rows = torch::arange(h, torch::kLong).unsqueeze(1) * side;
  auto cols = torch::arange(w, torch::kLong).unsqueeze(0);
  return (rows + cols + 1).reshape({-1});
}

}  // namespace ofapt
