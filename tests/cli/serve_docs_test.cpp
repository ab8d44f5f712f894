// docs/serve.md's walkthrough, run as written: synth, tune, serve, upload, ask, and the refusals.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <sstream>

#include "cli/run_ofapt.h"
#include "test_paths.h"
#include "util/file.h"

namespace ofapt {
namespace {

// The ```bash blocks between the docs-test markers of a Markdown file.
std::string marked_shell(const std::string& markdown) {
  const size_t begin = markdown.find("<!-- docs-test:begin -->");
  const size_t end = markdown.find("<!-- docs-test:end -->");
  if (begin == std::string::npos || end == std::string::npos) return "";
  std::istringstream lines(markdown.substr(begin, end - begin));
  std::string script;
  bool in_block = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block && line == "```bash";
      continue;
    }
    if (in_block) script += line + "\n";
  }
  return script;
}

TEST(ServeDocs, TheWalkthroughRunsAsWritten) {
  const std::string script = marked_shell(read_file(testing::source_path("docs/serve.md")));
  ASSERT_NE(script.find("ofapt serve"), std::string::npos) << "no marked walkthrough in docs/serve.md";
  const std::string dir = testing::fresh_test_dir("serve-docs");
  make_directories(dir + "/bin");
  ASSERT_EQ(::symlink(testing::binary_path("ofapt").c_str(), (dir + "/bin/ofapt").c_str()), 0);
  const int port =
      20000 +
      static_cast<int>((::getpid() * 7919 + std::chrono::steady_clock::now().time_since_epoch().count()) % 30000);
  // A failing step must not leave the server holding the output pipe open.
  const std::string prelude =
      "set -euo pipefail\nexport PATH=" + dir + "/bin:$PATH\nWORK=" + dir + "/work\nPORT=" + std::to_string(port) +
      "\ntrap 'kill ${SERVER:-} 2>/dev/null || true' EXIT\ncd " + testing::source_path("") + "\n";
  write_file_atomic(dir + "/walkthrough.sh", prelude + script);
  FILE* pipe = ::popen(("bash " + dir + "/walkthrough.sh 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  std::array<char, 4096> buffer{};
  while (size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe)) output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  ASSERT_EQ(WEXITSTATUS(status), 0) << output;
  for (const char* expected : {"\"status\":\"ok\"", "\"caption\":", "\"answer\":", "\"name\":\"colours\"", " 404\n",
                               " 400\n", "\"version\":1"}) {
    EXPECT_NE(output.find(expected), std::string::npos) << expected << "\n" << output;
  }
}

}  // namespace
}  // namespace ofapt
