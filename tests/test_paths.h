// Paths the tests use: the source tree, the build tree, and the optional ../shared fixtures.
#pragma once

#include <string>

namespace ofapt::testing {

inline std::string source_path(const std::string& relative) { return std::string(OFAPT_SOURCE_DIR) + "/" + relative; }
inline std::string binary_path(const std::string& relative) { return std::string(OFAPT_BINARY_DIR) + "/" + relative; }
inline std::string shared_path(const std::string& relative) { return std::string(OFAPT_SHARED_DIR) + "/" + relative; }

}  // namespace ofapt::testing

// Skips the test with a message when ../shared (specs and reference fixtures) is absent.
#define OFAPT_REQUIRE_SHARED(relative)                                                       \
  do {                                                                                       \
    if (!::ofapt::file_exists(::ofapt::testing::shared_path(relative)))                      \
      GTEST_SKIP() << "needs " << ::ofapt::testing::shared_path(relative) << " (../shared)"; \
  } while (false)
