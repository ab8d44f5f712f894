// OpenBLAS chooses its kernels from the CPU's model number when it loads. Debian 12's OpenBLAS
// (0.3.21) does not know CPUs newer than itself (seen: Intel family 6, model 207) and falls back to
// "Prescott", its SSE3 kernels, on a CPU with AVX-512. Measured there (2026-12-03, one thread): a
// 1024x1024 fp32 matmul 4.2x slower and a prompt-tuning update 2.7x slower than with the SkylakeX
// kernels the CPU supports (bench/results/blas_kernel_cpu.jsonl). OpenBLAS reads OPENBLAS_CORETYPE
// only at load time, so ofapt's executables set it and re-execute themselves (util/reexec.h).
#pragma once

#include <string>

namespace ofapt {

struct CpuVectorUnits {
  bool avx2_fma = false;
  bool avx512 = false;  // F, CD, BW, DQ and VL: what OpenBLAS's SkylakeX kernels use
};

// What this CPU and its operating system support (x86-64; none elsewhere).
CpuVectorUnits this_cpu_vector_units();

// The name of the loaded OpenBLAS's kernels (openblas_get_corename), or "" when the BLAS is not OpenBLAS.
std::string loaded_openblas_core();

// The OPENBLAS_CORETYPE to ask for when OpenBLAS runs `current_core` on `cpu`: SkylakeX or Haswell
// when it fell back to kernels older than AVX2 on a CPU with them, else "" (OpenBLAS's pick stands).
std::string better_openblas_core(const std::string& current_core, const CpuVectorUnits& cpu);

// Sets OPENBLAS_CORETYPE when the loaded OpenBLAS runs kernels older than this CPU and the user has
// not set it; true when it did, so the caller must re-execute for it to take effect.
bool request_fastest_openblas_core();

}  // namespace ofapt
