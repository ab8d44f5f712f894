#include "util/subprocess.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"
#include "util/file.h"

namespace ofapt {

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input) {
  OFAPT_CHECK(!argv.empty(), ErrorKind::kInternal, "run_process needs a program");
  const TemporaryDirectory scratch("ofapt_process");
  const std::string in_path = join_path(scratch.path(), "stdin"), out_path = join_path(scratch.path(), "stdout"),
                    err_path = join_path(scratch.path(), "stderr");
  write_file_atomic(in_path, input);

  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  // The child reports a failed exec through a close-on-exec pipe: a successful exec closes it unwritten.
  int exec_failure[2];
  OFAPT_CHECK(::pipe2(exec_failure, O_CLOEXEC) == 0, ErrorKind::kIo, argv[0], ": cannot start (",
              std::strerror(errno), ")");
  const pid_t child = ::fork();
  OFAPT_CHECK(child >= 0, ErrorKind::kIo, argv[0], ": cannot start (", std::strerror(errno), ")");
  if (child == 0) {
    // In the child only async-signal-safe calls until exec.
    ::close(exec_failure[0]);
    const int in = ::open(in_path.c_str(), O_RDONLY);
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in >= 0 && out >= 0 && err >= 0 && ::dup2(in, 0) >= 0 && ::dup2(out, 1) >= 0 && ::dup2(err, 2) >= 0) {
      ::execvp(args[0], args.data());
    }
    const int code = errno;
    [[maybe_unused]] const auto written = ::write(exec_failure[1], &code, sizeof code);
    ::_exit(127);
  }
  ::close(exec_failure[1]);
  int exec_errno = 0;
  ssize_t got;
  while ((got = ::read(exec_failure[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  ::close(exec_failure[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    OFAPT_CHECK(errno == EINTR, ErrorKind::kIo, argv[0], ": waiting for it failed (", std::strerror(errno), ")");
  }
  OFAPT_CHECK(got <= 0, ErrorKind::kIo, argv[0], ": cannot be run (", std::strerror(exec_errno), ")");
  ProcessResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.output = file_exists(out_path) ? read_file(out_path) : "";
  result.errors = file_exists(err_path) ? read_file(err_path) : "";
  return result;
}

}  // namespace ofapt
