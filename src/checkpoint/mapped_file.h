// MappedFile: a read-only memory map of a whole file, so a large checkpoint is read without a
// second in-memory copy of its bytes.
#pragma once

#include <cstddef>
#include <string>

namespace ofapt {

class MappedFile {
 public:
  // Maps `path`; throws Error(kIo) naming the path when it cannot be opened or mapped.
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace ofapt
