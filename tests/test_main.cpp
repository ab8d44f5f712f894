#include <gtest/gtest.h>

#include "util/reexec.h"

int main(int argc, char** argv) {
  // The tests run on the OpenBLAS kernels ofapt itself would pick (util/blas_kernel.h).
  ofapt::apply_startup_settings(argv, /*reusing_allocator=*/false);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
