#include "util/blas_kernel.h"

#include <dlfcn.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace ofapt {

CpuVectorUnits this_cpu_vector_units() {
  CpuVectorUnits units;
#if defined(__x86_64__) && defined(__GNUC__)
  // GCC's checks include the OS: a feature counts only when XGETBV says its registers are saved.
  __builtin_cpu_init();
  units.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  units.avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
                 __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                 __builtin_cpu_supports("avx512vl");
#endif
  return units;
}

std::string loaded_openblas_core() {
  using GetCoreName = char* (*)();
  auto get_core_name = reinterpret_cast<GetCoreName>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  const char* name = get_core_name ? get_core_name() : nullptr;
  return name ? name : "";
}

std::string better_openblas_core(const std::string& current_core, const CpuVectorUnits& cpu) {
  // OpenBLAS's x86-64 kernels written before AVX2 (its generic fallback is Prescott).
  static const std::array<const char*, 7> pre_avx2 = {"prescott", "core2", "penryn",     "dunnington",
                                                      "nehalem",  "atom",  "sandybridge"};
  std::string core = current_core;
  std::transform(core.begin(), core.end(), core.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool old_kernels = std::find(pre_avx2.begin(), pre_avx2.end(), core) != pre_avx2.end();
  if (!old_kernels) return "";
  if (cpu.avx512 && cpu.avx2_fma) return "SkylakeX";
  if (cpu.avx2_fma) return "Haswell";
  return "";
}

bool request_fastest_openblas_core() {
  if (std::getenv("OPENBLAS_CORETYPE") != nullptr) return false;  // the user's choice stands
  const std::string better = better_openblas_core(loaded_openblas_core(), this_cpu_vector_units());
  if (better.empty()) return false;
  ::setenv("OPENBLAS_CORETYPE", better.c_str(), 1);
  return true;
}

}  // namespace ofapt
