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

namespace {

// A "Vm...:  N kB" field of /proc/self/status in bytes; -1 where there is none (not Linux).
int64_t status_bytes(const std::string& field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(field, 0) == 0) {
      std::istringstream fields(line.substr(field.size()));
      int64_t kilobytes = -1;
      fields >> kilobytes;
      return kilobytes < 0 ? -1 : kilobytes * 1024;
    }
  }
  return -1;
}

}  // namespace

int64_t peak_memory_bytes() { return status_bytes("VmHWM:"); }

int64_t resident_memory_bytes() { return status_bytes("VmRSS:"); }

}  // namespace ofapt
