#include "util/jsonl_log.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "util/error.h"

namespace ofapt {

JsonlLog::JsonlLog(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "a");
  OFAPT_CHECK(file_ != nullptr, ErrorKind::kIo, "cannot open log ", path, ": ", std::strerror(errno));
}

JsonlLog::~JsonlLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void JsonlLog::write(const nlohmann::json& record) {
  if (file_ == nullptr) return;
  const std::string line = record.dump() + "\n";
  std::fwrite(line.data(), 1, line.size(), file_);
  std::fflush(file_);
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> records;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_discarded()) records.push_back(std::move(record));
  }
  return records;
}

}  // namespace ofapt
