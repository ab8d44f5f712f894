#include "util/threading.h"

#include <dlfcn.h>

#include <ATen/Parallel.h>

#include <cstdlib>
#include <string>
#include <thread>

namespace ofapt {
namespace {

// OpenBLAS reports how it parallelises: 0 sequential, 1 pthreads, 2 OpenMP.
int openblas_parallel_mode() {
  using GetParallel = int (*)();
  auto get_parallel = reinterpret_cast<GetParallel>(::dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
  return get_parallel ? get_parallel() : -1;
}

void set_openblas_threads(int threads) {
  using SetThreads = void (*)(int);
  auto set_threads = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set_threads) set_threads(threads);
}

}  // namespace

void single_threaded_ops_on_this_thread() {
  using SetThreads = void (*)(int);
  static const auto set_threads = reinterpret_cast<SetThreads>(::dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  if (set_threads) set_threads(1);
}

void configure_cpu_threads() {
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (const char* requested = std::getenv("OFAPT_THREADS")) threads = std::atoi(requested);
  if (std::getenv("OMP_NUM_THREADS") == nullptr && threads > 0) at::set_num_threads(threads);
  // A pthreads OpenBLAS keeps its own pool beside torch's OpenMP pool; running both at full width
  // oversubscribes the cores (measured 1.4-2.3x slower), so BLAS runs single-threaded inside torch's.
  // An OpenMP OpenBLAS follows torch's count and needs nothing.
  if (openblas_parallel_mode() == 1 && std::getenv("OPENBLAS_NUM_THREADS") == nullptr) set_openblas_threads(1);
}

}  // namespace ofapt
