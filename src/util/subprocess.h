// Running an external program (the METEOR and SPICE jars) without a shell: arguments are passed as
// they are, so paths with spaces or quotes are safe. Input and output go through files, which
// cannot deadlock the way two pipes to one child can.
#pragma once

#include <string>
#include <vector>

namespace ofapt {

struct ProcessResult {
  int exit_code = -1;   // the program's exit status; 128 + N when killed by signal N
  std::string output;   // what it wrote to stdout
  std::string errors;   // what it wrote to stderr
};

// Runs argv[0] (looked up in PATH when it has no slash) with `input` on its stdin and waits.
// Throws Error(kIo) when the program cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& input = "");

}  // namespace ofapt
