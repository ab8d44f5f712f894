#include "util/reexec.h"

#include <unistd.h>

#include "util/allocator.h"
#include "util/blas_kernel.h"

namespace ofapt {

void reexec_self(char** argv) {
#if defined(__linux__)
  ::execv("/proc/self/exe", argv);
  // exec failed: carry on as we are (the variables now only affect child processes).
#else
  (void)argv;
#endif
}

void apply_startup_settings(char** argv, bool reusing_allocator) {
  bool changed = request_fastest_openblas_core();
  if (reusing_allocator) changed |= request_reusing_allocator();
  if (changed) reexec_self(argv);
}

}  // namespace ofapt
