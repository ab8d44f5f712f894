// Starts the processes of a data-parallel run on this machine, as torchrun does: `nproc` copies of
// this very command, each told its place through the environment (OFAPT_RANK, OFAPT_WORLD_SIZE,
// OFAPT_RENDEZVOUS, OFAPT_DIST_TIMEOUT, OFAPT_THREADS; dist/data_parallel_group.h), then waits.
// When one worker fails, the others are stopped (SIGTERM, then SIGKILL after a grace period), so a
// run never hangs on a dead peer; SIGINT/SIGTERM to the launcher reach every worker.
#pragma once

#include <string>

namespace ofapt {

struct WorkerLaunchOptions {
  int nproc = 1;                       // workers on this machine
  int nnodes = 1;                      // machines in the run
  int node_rank = 0;                   // this machine's index, 0..nnodes-1
  std::string master_addr;             // rank 0's machine; empty on one machine (a FileStore is used)
  int master_port = 29500;
  int timeout_seconds = 1800;          // a collective waiting longer than this fails
};

// True when this process is a worker started by launch_workers (or by a user's own launcher that
// set OFAPT_RANK): it must train, not launch.
bool is_data_parallel_worker();

// Runs the current command line (read from /proc/self/cmdline) as the workers of this machine and
// returns the first failing worker's exit status (128 + N for a signal), or 0 when all succeed.
// Throws Error(kUsage) for bad options and Error(kIo) when a worker cannot be started.
int launch_workers(const WorkerLaunchOptions& options);

}  // namespace ofapt
