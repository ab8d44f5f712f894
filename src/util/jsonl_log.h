// Machine-readable run logs: one JSON object per line, appended and flushed as it is written, so a
// killed run leaves every finished record readable (a torn last line is skipped by readers).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace ofapt {

class JsonlLog {
 public:
  JsonlLog() = default;  // a closed log: write() does nothing
  explicit JsonlLog(const std::string& path);  // opens for appending; throws Error(kIo)
  ~JsonlLog();
  JsonlLog(const JsonlLog&) = delete;
  JsonlLog& operator=(const JsonlLog&) = delete;

  void write(const nlohmann::json& record);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

// Every complete JSON line of a log (a torn or corrupt line is skipped); empty when the file is absent.
std::vector<nlohmann::json> read_jsonl(const std::string& path);

}  // namespace ofapt
