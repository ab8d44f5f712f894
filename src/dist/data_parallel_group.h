// The processes of one data-parallel training run, on PyTorch's own collective engine (c10d): Gloo
// between CPU processes, NCCL between GPUs when the LibTorch build has it. Every process holds the
// same frozen model and the same tuned tensors; each computes gradients on its share of the update's
// micro-batches, and only the tuned tensors' gradients (and a few loss sums) are all-reduced.
//
// Rendezvous (where the processes find each other), as torchrun's env:// does:
//   file:PATH          a FileStore on a path every process can reach (one machine; what --nproc uses)
//   tcp://HOST:PORT    a TCPStore served by rank 0 at HOST:PORT (several machines)
// A peer that never arrives, or dies, fails every collective after `timeout` with an error naming
// the rank and the rendezvous, never a hang.
#pragma once

#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace ofapt {

struct DataParallelOptions {
  int rank = 0;
  int world_size = 1;
  std::string rendezvous;  // "file:PATH" or "tcp://HOST:PORT"; unused when world_size is 1
  std::chrono::seconds timeout{1800};
  std::string device = "cpu";  // where the all-reduced tensors live: cpu -> Gloo, cuda -> NCCL if built
};

// The options the launcher (dist/worker_launcher.h) or a user's own launch script put in the
// environment: OFAPT_RANK, OFAPT_WORLD_SIZE, OFAPT_RENDEZVOUS, OFAPT_DIST_TIMEOUT (seconds). Absent:
// one process. Throws Error(kUsage) naming the variable when one is malformed.
DataParallelOptions data_parallel_options_from_environment();

// True when this build can run more than one process (the Gloo headers were found at build time).
bool data_parallel_available();

class DataParallelGroup {
 public:
  // One process alone: every collective is a no-op.
  DataParallelGroup();
  ~DataParallelGroup();
  DataParallelGroup(const DataParallelGroup&) = delete;
  DataParallelGroup& operator=(const DataParallelGroup&) = delete;

  // Joins the run's other processes (blocks until all have arrived or the timeout passes).
  // Throws Error(kUsage) for bad options or a build without a backend, Error(kIo) when the
  // rendezvous fails.
  static std::shared_ptr<DataParallelGroup> join(const DataParallelOptions& options);

  int rank() const { return rank_; }
  int world_size() const { return world_size_; }
  bool is_main() const { return rank_ == 0; }
  bool distributed() const { return world_size_ > 1; }

  // Replaces every tensor by its sum over the processes. Tensors of one dtype travel as one
  // flattened buffer (one collective per dtype, not per tensor).
  void sum(const std::vector<torch::Tensor>& tensors);
  // Replaces every tensor by rank `root`'s values.
  void broadcast(const std::vector<torch::Tensor>& tensors, int root = 0);
  // Rank `root`'s bytes, on every process.
  std::string broadcast_bytes(const std::string& bytes, int root = 0);

 private:
  struct Backend;
  int rank_ = 0;
  int world_size_ = 1;
  std::string where_;  // rendezvous, for error messages
  std::unique_ptr<Backend> backend_;
};

}  // namespace ofapt
