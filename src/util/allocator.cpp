#include "util/allocator.h"

#include <cstdlib>

namespace ofapt {

bool request_reusing_allocator() {
#if defined(__GLIBC__)
  if (std::getenv("MALLOC_MMAP_MAX_") != nullptr || std::getenv("OFAPT_SYSTEM_MALLOC") != nullptr) return false;
  ::setenv("MALLOC_MMAP_MAX_", "0", 1);                   // every block from the heap, none from its own mmap
  ::setenv("MALLOC_TRIM_THRESHOLD_", "17179869184", 1);   // and freed memory stays there for reuse
  return true;
#else
  return false;
#endif
}

}  // namespace ofapt
