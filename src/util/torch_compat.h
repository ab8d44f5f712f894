// The one place where LibTorch versions differ (Debian 1.13 CPU vs the 2.x CUDA wheel).
// Nothing else in the tree tests TORCH_VERSION_*; see ../shared/libtorch-compat.md.
#pragma once

#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <tuple>

#if OFAPT_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

#define OFAPT_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace ofapt::tc {

// Scaled dot-product attention over [..., T, hd] tensors with an optional additive float mask.
// Callers pass q already scaled and ask for scale 1 (OFA scales q by (2*hd)^-0.5 itself).
inline at::Tensor sdpa_unscaled(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                                const c10::optional<at::Tensor>& additive_mask, double dropout = 0.0) {
#if OFAPT_TORCH_AT_LEAST(2, 1)
  return at::scaled_dot_product_attention(q, k, v, additive_mask, dropout, false, /*scale=*/1.0);
#else
  // 1.13 has no scale argument; its math path divides by sqrt(hd), so pre-multiply to undo it.
  const double undo = std::sqrt(static_cast<double>(q.size(-1)));
  return std::get<0>(at::_scaled_dot_product_attention(q * undo, k, v, additive_mask, dropout, false, false));
#endif
}

// Enables autocast for one device type in a scope and restores the previous state afterwards.
class AutocastGuard {
 public:
  AutocastGuard(c10::DeviceType device, at::ScalarType dtype, bool enabled = true);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  c10::DeviceType device_;
  bool previous_enabled_;
  at::ScalarType previous_dtype_;
};

inline AutocastGuard::AutocastGuard(c10::DeviceType device, at::ScalarType dtype, bool enabled) : device_(device) {
#if OFAPT_TORCH_AT_LEAST(2, 4)
  previous_enabled_ = at::autocast::is_autocast_enabled(device);
  previous_dtype_ = at::autocast::get_autocast_dtype(device);
  at::autocast::set_autocast_enabled(device, enabled);
  at::autocast::set_autocast_dtype(device, dtype);
#else
  if (device == c10::DeviceType::CUDA) {
    previous_enabled_ = at::autocast::is_enabled();
    previous_dtype_ = at::autocast::get_autocast_gpu_dtype();
    at::autocast::set_enabled(enabled);
    at::autocast::set_autocast_gpu_dtype(dtype);
  } else {
    previous_enabled_ = at::autocast::is_cpu_enabled();
    previous_dtype_ = at::autocast::get_autocast_cpu_dtype();
    at::autocast::set_cpu_enabled(enabled);
    at::autocast::set_autocast_cpu_dtype(dtype);
  }
#endif
  at::autocast::increment_nesting();
}

inline AutocastGuard::~AutocastGuard() {
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
#if OFAPT_TORCH_AT_LEAST(2, 4)
  at::autocast::set_autocast_enabled(device_, previous_enabled_);
  at::autocast::set_autocast_dtype(device_, previous_dtype_);
#else
  if (device_ == c10::DeviceType::CUDA) {
    at::autocast::set_enabled(previous_enabled_);
    at::autocast::set_autocast_gpu_dtype(previous_dtype_);
  } else {
    at::autocast::set_cpu_enabled(previous_enabled_);
    at::autocast::set_autocast_cpu_dtype(previous_dtype_);
  }
#endif
}

inline void set_learning_rate(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

// Peak bytes held by tensors on a CUDA device since the last reset (the caching allocator's
// "allocated_bytes" aggregate peak; its DeviceStats moved between headers in 2.x, hence `auto` and
// index 0 = StatType::AGGREGATE). 0 in a build without CUDA.
inline int64_t cuda_peak_allocated_bytes(const torch::Device& device) {
#if OFAPT_WITH_CUDA
  const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.has_index() ? device.index() : 0);
  return stats.allocated_bytes[0].peak;
#else
  (void)device;
  return 0;
#endif
}

inline void reset_cuda_peak_memory(const torch::Device& device) {
#if OFAPT_WITH_CUDA
  c10::cuda::CUDACachingAllocator::resetPeakStats(device.has_index() ? device.index() : 0);
#else
  (void)device;
#endif
}

}  // namespace ofapt::tc
