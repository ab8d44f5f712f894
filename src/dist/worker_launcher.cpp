#include "dist/worker_launcher.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>
#include <vector>

#include "util/error.h"
#include "util/file.h"

extern char** environ;

namespace ofapt {
namespace {

constexpr std::chrono::seconds kStopGrace{10};

// The workers' pids, for the signal handler (which may only call async-signal-safe functions).
constexpr int kMaxWorkers = 256;
volatile sig_atomic_t worker_count = 0;
pid_t worker_pids[kMaxWorkers];

void forward_signal(int signal_number) {
  for (int i = 0; i < worker_count; ++i) {
    if (worker_pids[i] > 0) ::kill(worker_pids[i], signal_number);
  }
}

std::vector<std::string> own_command_line() {
  const std::string bytes = read_file("/proc/self/cmdline");
  std::vector<std::string> argv;
  size_t start = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] == '\0') {
      argv.push_back(bytes.substr(start, i - start));
      start = i + 1;
    }
  }
  OFAPT_CHECK(!argv.empty(), ErrorKind::kIo, "/proc/self/cmdline is empty: cannot start the workers");
  return argv;
}

bool is_launch_variable(const char* entry) {
  for (const char* name : {"OFAPT_RANK=", "OFAPT_LOCAL_RANK=", "OFAPT_WORLD_SIZE=", "OFAPT_RENDEZVOUS=",
                           "OFAPT_DIST_TIMEOUT="}) {
    if (std::strncmp(entry, name, std::strlen(name)) == 0) return true;
  }
  return false;
}

int exit_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

// Waits for `pid` for up to `grace`; true when it ended.
bool wait_ended(pid_t pid, std::chrono::seconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno == ECHILD)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

bool is_data_parallel_worker() { return std::getenv("OFAPT_RANK") != nullptr; }

int launch_workers(const WorkerLaunchOptions& options) {
  OFAPT_CHECK(options.nproc >= 1 && options.nproc <= kMaxWorkers, ErrorKind::kUsage, "--nproc ", options.nproc,
              " is not in 1..", kMaxWorkers);
  OFAPT_CHECK(options.nnodes >= 1, ErrorKind::kUsage, "--nnodes must be at least 1");
  OFAPT_CHECK(options.node_rank >= 0 && options.node_rank < options.nnodes, ErrorKind::kUsage, "--node-rank ",
              options.node_rank, " is not in 0..", options.nnodes - 1);
  OFAPT_CHECK(options.nnodes == 1 || !options.master_addr.empty(), ErrorKind::kUsage,
              "a run on several machines (--nnodes ", options.nnodes, ") needs --master-addr: rank 0's machine");
  OFAPT_CHECK(options.master_port > 0 && options.master_port < 65536, ErrorKind::kUsage, "--master-port ",
              options.master_port, " is not in 1..65535");
  OFAPT_CHECK(options.timeout_seconds >= 1, ErrorKind::kUsage, "--dist-timeout must be at least 1 second");

  // One machine: the workers meet in a FileStore in a fresh directory (no port to pick or collide);
  // several: in rank 0's TCPStore.
  std::string rendezvous_dir;
  std::string rendezvous;
  if (options.master_addr.empty()) {
    std::string pattern = (std::filesystem::temp_directory_path() / "ofapt-rendezvous-XXXXXX").string();
    OFAPT_CHECK(::mkdtemp(pattern.data()) != nullptr, ErrorKind::kIo, "cannot create a rendezvous directory ",
                pattern, ": ", std::strerror(errno));
    rendezvous_dir = pattern;
    rendezvous = "file:" + rendezvous_dir + "/store";
  } else {
    rendezvous = "tcp://" + options.master_addr + ":" + std::to_string(options.master_port);
  }
  const int world_size = options.nnodes * options.nproc;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const std::string threads = std::to_string(std::max(1u, cores / static_cast<unsigned>(options.nproc)));

  const std::vector<std::string> argv_strings = own_command_line();
  std::vector<char*> argv;
  for (const auto& argument : argv_strings) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);

  struct sigaction forward {};
  forward.sa_handler = forward_signal;
  sigemptyset(&forward.sa_mask);
  struct sigaction previous_int {}, previous_term {};
  ::sigaction(SIGINT, &forward, &previous_int);
  ::sigaction(SIGTERM, &forward, &previous_term);

  // The workers' environment is built before fork: between fork and exec only async-signal-safe calls.
  std::vector<std::string> inherited;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!is_launch_variable(*entry)) inherited.emplace_back(*entry);
  }
  worker_count = 0;
  std::string start_error;
  for (int local = 0; local < options.nproc; ++local) {
    std::vector<std::string> environment = inherited;
    environment.push_back("OFAPT_RANK=" + std::to_string(options.node_rank * options.nproc + local));
    environment.push_back("OFAPT_LOCAL_RANK=" + std::to_string(local));
    environment.push_back("OFAPT_WORLD_SIZE=" + std::to_string(world_size));
    environment.push_back("OFAPT_RENDEZVOUS=" + rendezvous);
    environment.push_back("OFAPT_DIST_TIMEOUT=" + std::to_string(options.timeout_seconds));
    if (std::getenv("OFAPT_THREADS") == nullptr) environment.push_back("OFAPT_THREADS=" + threads);
    std::vector<char*> envp;
    for (auto& entry : environment) envp.push_back(entry.data());
    envp.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) {
      start_error = str("cannot start worker ", local, ": ", std::strerror(errno));
      break;
    }
    if (pid == 0) {
      ::execve("/proc/self/exe", argv.data(), envp.data());
      ::_exit(127);
    }
    worker_pids[worker_count] = pid;
    worker_count = worker_count + 1;
  }

  // Wait for every worker; the first failure stops the rest.
  int result = start_error.empty() ? 0 : 1;
  int running = worker_count;
  bool stopping = !start_error.empty();
  if (stopping) forward_signal(SIGTERM);
  while (running > 0) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: nothing left
    }
    int index = -1;
    for (int i = 0; i < worker_count; ++i) {
      if (worker_pids[i] == pid) index = i;
    }
    if (index < 0) continue;
    worker_pids[index] = -1;
    --running;
    const int code = exit_status(status);
    if (code != 0 && !stopping) {
      result = code;
      stopping = true;
      std::fprintf(stderr, "ofapt: worker %d (rank %d) ended with status %d; stopping the other %d worker(s)\n",
                   index, options.node_rank * options.nproc + index, code, running);
      forward_signal(SIGTERM);
      // Workers blocked in a collective may not see SIGTERM at once: SIGKILL after the grace period.
      for (int i = 0; i < worker_count; ++i) {
        const pid_t other = worker_pids[i];
        if (other <= 0) continue;
        if (!wait_ended(other, kStopGrace)) {
          ::kill(other, SIGKILL);
          ::waitpid(other, nullptr, 0);
        }
        worker_pids[i] = -1;
        --running;
      }
    }
  }
  worker_count = 0;
  ::sigaction(SIGINT, &previous_int, nullptr);
  ::sigaction(SIGTERM, &previous_term, nullptr);
  if (!rendezvous_dir.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(rendezvous_dir, ignored);
  }
  OFAPT_CHECK(start_error.empty(), ErrorKind::kIo, start_error);
  return result;
}

}  // namespace ofapt
