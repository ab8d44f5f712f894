// Peak resident memory of this process (Linux VmHWM), resettable so that each of several runs in
// one process reports its own peak.
#pragma once

#include <cstdint>

namespace ofapt {

// Returns freed heap to the system (glibc malloc_trim), then resets the peak to the current resident
// size (writes 5 to /proc/self/clear_refs). Returns false where the kernel does not allow it; the
// next peak then includes earlier work.
bool reset_peak_memory();
// VmHWM in bytes, or -1 where /proc is not there.
int64_t peak_memory_bytes();
// Resident memory now (VmRSS), in bytes; -1 where unknown.
int64_t resident_memory_bytes();

}  // namespace ofapt
