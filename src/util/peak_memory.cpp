#include "util/peak_memory.h"

#include <fstream>
#include <sstream>
#include <string>

#if defined(__GLIBC__)  // set by the C library headers above
#include <malloc.h>
#endif

namespace ofapt {

bool reset_peak_memory() {
#if defined(__GLIBC__)
  // Hand freed heap pages back first: otherwise the new peak starts from memory an earlier run of
  // the same process freed but glibc kept.
  malloc_trim(0);
#endif
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return static_cast<bool>(clear_refs);
}

int64_t peak_memory_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      int64_t kilobytes = -1;
      fields >> kilobytes;
      return kilobytes < 0 ? -1 : kilobytes * 1024;
    }
  }
  return -1;
}

}  // namespace ofapt
