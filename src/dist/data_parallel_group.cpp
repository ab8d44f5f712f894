#include "dist/data_parallel_group.h"

#include <cstdlib>
#include <cstring>
#include <map>

#include "util/error.h"
#include "util/strings.h"

#if OFAPT_WITH_GLOO
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#if OFAPT_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace ofapt {
namespace {

int environment_int(const char* name, int fallback, int minimum) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const long value = std::strtol(text, &end, 10);
  OFAPT_CHECK(end != text && *end == '\0' && value >= minimum && value <= 1 << 20, ErrorKind::kUsage,
              "environment variable ", name, "='", text, "' is not an integer >= ", minimum);
  return static_cast<int>(value);
}

struct TcpAddress {
  std::string host;
  int port = 0;
};

TcpAddress parse_tcp_rendezvous(const std::string& rendezvous) {
  const std::string rest = rendezvous.substr(6);  // after tcp://
  const size_t colon = rest.rfind(':');
  OFAPT_CHECK(colon != std::string::npos && colon > 0, ErrorKind::kUsage, "rendezvous '", rendezvous,
              "': expected tcp://HOST:PORT");
  TcpAddress address{rest.substr(0, colon), 0};
  const std::string port = rest.substr(colon + 1);
  char* end = nullptr;
  const long value = std::strtol(port.c_str(), &end, 10);
  OFAPT_CHECK(!port.empty() && *end == '\0' && value > 0 && value < 65536, ErrorKind::kUsage, "rendezvous '",
              rendezvous, "': port '", port, "' is not in 1..65535");
  address.port = static_cast<int>(value);
  return address;
}

}  // namespace

DataParallelOptions data_parallel_options_from_environment() {
  DataParallelOptions options;
  options.world_size = environment_int("OFAPT_WORLD_SIZE", 1, 1);
  options.rank = environment_int("OFAPT_RANK", 0, 0);
  OFAPT_CHECK(options.rank < options.world_size, ErrorKind::kUsage, "OFAPT_RANK=", options.rank,
              " is not below OFAPT_WORLD_SIZE=", options.world_size);
  if (const char* rendezvous = std::getenv("OFAPT_RENDEZVOUS")) options.rendezvous = rendezvous;
  options.timeout = std::chrono::seconds(environment_int("OFAPT_DIST_TIMEOUT", 1800, 1));
  return options;
}

bool data_parallel_available() { return OFAPT_WITH_GLOO != 0; }

#if OFAPT_WITH_GLOO

// An exception's message; c10's without the C++ backtrace it carries.
std::string message_of(const std::exception& e) {
  if (const auto* c10_error = dynamic_cast<const c10::Error*>(&e)) return c10_error->what_without_backtrace();
  return e.what();
}

struct DataParallelGroup::Backend {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;
#if OFAPT_WITH_NCCL
  c10::intrusive_ptr<c10d::ProcessGroupNCCL> nccl;
#endif
  bool gloo_only() const {
#if OFAPT_WITH_NCCL
    return !nccl;
#else
    return true;
#endif
  }
  // Runs one collective on whichever engine the group uses and waits for it.
  template <typename Collective>
  void run(const char* what, int rank, const std::string& where, Collective collective) {
    try {
#if OFAPT_WITH_NCCL
      if (nccl) {
        collective(*nccl)->wait();
        return;
      }
#endif
      collective(*gloo)->wait();
    } catch (const std::exception& e) {
      throw Error(ErrorKind::kIo, str("data-parallel ", what, " failed on rank ", rank, " (rendezvous ", where,
                                      "): ", message_of(e),
                                      " - a peer process stopped or is too slow (OFAPT_DIST_TIMEOUT)"));
    }
  }
};

std::shared_ptr<DataParallelGroup> DataParallelGroup::join(const DataParallelOptions& options) {
  auto group = std::make_shared<DataParallelGroup>();
  OFAPT_CHECK(options.world_size >= 1 && options.rank >= 0 && options.rank < options.world_size, ErrorKind::kUsage,
              "data-parallel rank ", options.rank, " of world size ", options.world_size, " is out of range");
  group->rank_ = options.rank;
  group->world_size_ = options.world_size;
  group->where_ = options.rendezvous;
  if (options.world_size == 1) return group;

  const std::string& rendezvous = options.rendezvous;
  const std::chrono::milliseconds timeout = options.timeout;
  auto backend = std::make_unique<Backend>();
  std::string gloo_host = "127.0.0.1";
  try {
    if (starts_with(rendezvous, "file:")) {
      const std::string path = rendezvous.substr(5);
      OFAPT_CHECK(!path.empty(), ErrorKind::kUsage, "rendezvous 'file:' needs a path");
      backend->store = c10::make_intrusive<c10d::FileStore>(path, options.world_size);
    } else if (starts_with(rendezvous, "tcp://")) {
      const TcpAddress address = parse_tcp_rendezvous(rendezvous);
      c10d::TCPStoreOptions store_options;
      store_options.port = static_cast<std::uint16_t>(address.port);
      store_options.isServer = options.rank == 0;
      store_options.numWorkers = static_cast<size_t>(options.world_size);
      store_options.timeout = timeout;
      backend->store = c10::make_intrusive<c10d::TCPStore>(address.host, store_options);
      if (address.host != "127.0.0.1" && address.host != "localhost") gloo_host.clear();
    } else {
      throw Error(ErrorKind::kUsage, str("rendezvous '", rendezvous,
                                         "': expected file:PATH (one machine) or tcp://HOST:PORT (several)"));
    }
    backend->store->setTimeout(timeout);
    const bool on_cuda = starts_with(options.device, "cuda");
#if OFAPT_WITH_NCCL
    if (on_cuda) {
      auto nccl_options = c10d::ProcessGroupNCCL::Options::create();
      nccl_options->timeout = timeout;
      backend->nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(backend->store, options.rank, options.world_size,
                                                                   nccl_options);
    }
#endif
    (void)on_cuda;
    auto gloo_options = c10d::ProcessGroupGloo::Options::create(timeout);
    // The network device Gloo's sockets bind to: GLOO_SOCKET_IFNAME as in PyTorch, else loopback for
    // a run on one machine, else the address this machine's hostname resolves to.
    if (const char* interface = std::getenv("GLOO_SOCKET_IFNAME"); interface != nullptr && *interface != '\0') {
      gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
    } else if (!gloo_host.empty()) {
      gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(gloo_host));
    } else {
      gloo_options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
    }
    gloo_options->threads = 1;
    backend->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
        c10::make_intrusive<c10d::PrefixStore>("gloo", backend->store), options.rank, options.world_size,
        gloo_options);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(ErrorKind::kIo, str("rank ", options.rank, " of ", options.world_size, " could not join rendezvous ",
                                    rendezvous, ": ", message_of(e), " (the other processes did not all arrive within ",
                                    options.timeout.count(), " s)"));
  }
  group->backend_ = std::move(backend);
  return group;
}

void DataParallelGroup::sum(const std::vector<torch::Tensor>& tensors) {
  if (!distributed() || tensors.empty()) return;
  // One flattened buffer per dtype, in the order the tensors came.
  std::map<c10::ScalarType, std::vector<torch::Tensor>> by_dtype;
  for (const auto& tensor : tensors) by_dtype[tensor.scalar_type()].push_back(tensor);
  for (auto& [dtype, group] : by_dtype) {
    std::vector<torch::Tensor> flat_parts;
    for (const auto& tensor : group) flat_parts.push_back(tensor.reshape({-1}));
    torch::Tensor flat = torch::cat(flat_parts);
    const bool via_host = backend_->gloo_only() && !flat.device().is_cpu();  // Gloo reduces host buffers
    std::vector<torch::Tensor> buffer{via_host ? flat.cpu() : flat};
    backend_->run("all-reduce", rank_, where_, [&](auto& engine) { return engine.allreduce(buffer); });
    if (via_host) flat.copy_(buffer[0]);
    int64_t offset = 0;
    for (const auto& tensor : group) {
      const int64_t n = tensor.numel();
      torch::NoGradGuard no_grad;
      tensor.copy_(flat.narrow(0, offset, n).view(tensor.sizes()));
      offset += n;
    }
  }
}

void DataParallelGroup::broadcast(const std::vector<torch::Tensor>& tensors, int root) {
  if (!distributed()) return;
  for (const auto& tensor : tensors) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> buffer{tensor.detach().contiguous().cpu()};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    backend_->run("broadcast", rank_, where_, [&](auto& engine) { return engine.broadcast(buffer, options); });
    tensor.copy_(buffer[0]);
  }
}

std::string DataParallelGroup::broadcast_bytes(const std::string& bytes, int root) {
  if (!distributed()) return bytes;
  auto size = torch::tensor({static_cast<int64_t>(bytes.size())}, torch::kInt64);
  broadcast({size}, root);
  auto data = torch::zeros({size.item<int64_t>()}, torch::kUInt8);
  if (rank_ == root) std::memcpy(data.data_ptr(), bytes.data(), bytes.size());
  broadcast({data}, root);
  return std::string(static_cast<const char*>(data.data_ptr()), static_cast<size_t>(data.numel()));
}

#else  // no Gloo headers at build time: one process only

struct DataParallelGroup::Backend {};

std::shared_ptr<DataParallelGroup> DataParallelGroup::join(const DataParallelOptions& options) {
  OFAPT_CHECK(options.world_size == 1, ErrorKind::kUsage, "this ofapt was built without a data-parallel backend "
              "(the Gloo headers were not found: install libgloo-dev and rebuild), so it runs one process only");
  return std::make_shared<DataParallelGroup>();
}
void DataParallelGroup::sum(const std::vector<torch::Tensor>&) {}
void DataParallelGroup::broadcast(const std::vector<torch::Tensor>&, int) {}
std::string DataParallelGroup::broadcast_bytes(const std::string& bytes, int) { return bytes; }

#endif

DataParallelGroup::DataParallelGroup() = default;
DataParallelGroup::~DataParallelGroup() = default;

}  // namespace ofapt
