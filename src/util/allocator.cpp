#include "util/allocator.h"

#include <unistd.h>

#include <cstdlib>

namespace ofapt {

void reexec_with_reusing_allocator(char** argv) {
#if defined(__GLIBC__)
  if (std::getenv("MALLOC_MMAP_MAX_") != nullptr || std::getenv("OFAPT_SYSTEM_MALLOC") != nullptr) return;
  ::setenv("MALLOC_MMAP_MAX_", "0", 1);                   // every block from the heap, none from its own mmap
  ::setenv("MALLOC_TRIM_THRESHOLD_", "17179869184", 1);   // and freed memory stays there for reuse
  ::execv("/proc/self/exe", argv);
  // exec failed: carry on as we are (the variables now only affect child processes).
#else
  (void)argv;
#endif
}

}  // namespace ofapt
