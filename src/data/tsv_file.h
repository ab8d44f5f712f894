// An OFA TSV file opened for random access. Opening makes one pass that records where each row
// starts (16 bytes a row); rows are read on demand with pread, so many threads may read at once
// and a 20 GB file of base64 images never sits in memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ofapt {

class TsvFile {
 public:
  // selected_columns: OFA's --selected-cols, the columns to return and their order (empty = all).
  // Throws Error(kIo) when the file cannot be read.
  explicit TsvFile(const std::string& path, std::vector<int> selected_columns = {});
  ~TsvFile();
  TsvFile(const TsvFile&) = delete;
  TsvFile& operator=(const TsvFile&) = delete;

  int64_t rows() const { return static_cast<int64_t>(offsets_.size()); }
  const std::string& path() const { return path_; }

  // The selected fields of a row. Throws Error(kInput) naming file:line when the row has too few columns.
  std::vector<std::string> fields(int64_t row) const;
  // "file:line" of a row, for messages.
  std::string where(int64_t row) const;

 private:
  std::string path_;
  std::vector<int> selected_;
  int fd_ = -1;
  std::vector<int64_t> offsets_;  // byte offset of each non-empty row
  std::vector<int64_t> lengths_;  // its length without the newline (and a trailing \r)
  std::vector<int64_t> lines_;    // its 1-based line number
};

}  // namespace ofapt
