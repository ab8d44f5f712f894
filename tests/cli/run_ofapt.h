// Runs the ofapt binary for the CLI tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "test_paths.h"

namespace ofapt::testing {

struct RunResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

inline RunResult run_ofapt(const std::string& arguments) {
  const std::string command = binary_path("ofapt") + " " + arguments + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  return {WEXITSTATUS(status), output};
}

// An empty directory under the build tree's test-tmp/.
inline std::string fresh_test_dir(const std::string& name) {
  const std::string dir = binary_path("test-tmp/" + name);
  std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());
  return dir;
}

}  // namespace ofapt::testing
