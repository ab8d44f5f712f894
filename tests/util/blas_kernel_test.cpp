#include <gtest/gtest.h>

#include "util/blas_kernel.h"

namespace ofapt {
namespace {

TEST(BlasKernel, FallbackKernelsAreReplacedByWhatTheCpuRuns) {
  const CpuVectorUnits avx512{/*avx2_fma=*/true, /*avx512=*/true};
  const CpuVectorUnits avx2{/*avx2_fma=*/true, /*avx512=*/false};
  EXPECT_EQ(better_openblas_core("Prescott", avx512), "SkylakeX");
  EXPECT_EQ(better_openblas_core("Prescott", avx2), "Haswell");
  EXPECT_EQ(better_openblas_core("Sandybridge", avx2), "Haswell");
  EXPECT_EQ(better_openblas_core("Prescott", CpuVectorUnits{}), "");  // nothing better to ask for
}

TEST(BlasKernel, OpenBlasOwnModernPickStands) {
  const CpuVectorUnits avx512{true, true};
  EXPECT_EQ(better_openblas_core("Haswell", avx512), "");  // e.g. what it picks for Zen
  EXPECT_EQ(better_openblas_core("SkylakeX", avx512), "");
  EXPECT_EQ(better_openblas_core("", avx512), "");  // not OpenBLAS
}

// test_main applied the startup settings, so this process runs the kernels ofapt would pick.
TEST(BlasKernel, ThisProcessRunsTheFastestKernelsForItsCpu) {
  const std::string core = loaded_openblas_core();
  if (core.empty()) GTEST_SKIP() << "the BLAS here is not OpenBLAS";
  EXPECT_EQ(better_openblas_core(core, this_cpu_vector_units()), "")
      << "OpenBLAS runs its " << core << " kernels on a CPU with better ones";
}

}  // namespace
}  // namespace ofapt
