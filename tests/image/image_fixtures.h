// Fixture access for the image tests: files under tests/data/image/ (made by scripts/make_image_fixtures.py).
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../test_paths.h"
#include "util/file.h"

namespace ofapt::testing {

inline std::string image_fixture(const std::string& name) { return source_path("tests/data/image/" + name); }

inline std::string image_fixture_bytes(const std::string& name) { return read_file(image_fixture(name)); }

// The whitespace-separated fields of each non-empty line of a fixture manifest.
inline std::vector<std::vector<std::string>> image_manifest(const std::string& name) {
  std::istringstream lines(image_fixture_bytes(name));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::vector<std::string> row;
    for (std::string field; fields >> field;) row.push_back(field);
    if (!row.empty()) rows.push_back(row);
  }
  return rows;
}

}  // namespace ofapt::testing
