// Some settings are read by a library only once, when the process starts: glibc's malloc tunables
// (util/allocator.h) and OpenBLAS's kernel choice (util/blas_kernel.h). Set from main they come too
// late, so the process sets them in its environment and replaces itself with a fresh run.
#pragma once

namespace ofapt {

// Replaces the process with a fresh run of the same executable and arguments, which inherits the
// environment (so it does not return). Without /proc/self/exe it returns and the run goes on as it is.
void reexec_self(char** argv);

// What every ofapt executable does first: the fastest OpenBLAS kernels for this CPU, and the
// heap-keeping allocator when `reusing_allocator`; re-executes once if that changed the environment.
void apply_startup_settings(char** argv, bool reusing_allocator);

}  // namespace ofapt
