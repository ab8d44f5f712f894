// CPU threading defaults: the measured-fastest setup for small models on few cores
// (../shared/libtorch-compat.md section 8): one torch intra-op pool sized to the cores,
// BLAS single-threaded inside it, so the two pools never spin against each other.
#pragma once

namespace ofapt {

// Applies the defaults unless the user set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / OFAPT_THREADS.
void configure_cpu_threads();

// Makes torch ops called from the current (background) thread run single-threaded: OpenMP's thread
// count is per thread, so loader threads stop spinning up pools that fight the model's for the cores.
void single_threaded_ops_on_this_thread();

}  // namespace ofapt
