// Whole-file reads and atomic writes (write to a temporary beside the target, fsync, rename).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ofapt {

// Reads a whole file; throws Error(kIo) naming the path when it cannot.
std::string read_file(const std::string& path);

// Writes `bytes` to `path` atomically: a killed process leaves either the old file or the new one.
void write_file_atomic(const std::string& path, const std::string& bytes);

// The same for a file written piece by piece: bytes go to a temporary beside `path`, and commit()
// fsyncs it and renames it over `path`. Destroyed without commit (an error, a kill), it leaves
// `path` as it was and removes the temporary.
class AtomicFileWriter {
 public:
  explicit AtomicFileWriter(std::string path);  // throws Error(kIo) when the temporary cannot be created
  ~AtomicFileWriter();
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

  void write(const char* data, size_t size);
  void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }
  void commit();
  int64_t bytes_written() const { return bytes_; }

 private:
  std::string path_, temp_;
  int fd_ = -1;
  bool committed_ = false;
  int64_t bytes_ = 0;
};

// Creates `path` (one level) unless it is a directory already; throws Error(kIo) naming it otherwise.
void make_directory(const std::string& path);
// Creates `path` and any missing parents (mkdir -p).
void make_directories(const std::string& path);

// A fresh private directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TemporaryDirectory {
 public:
  explicit TemporaryDirectory(const std::string& prefix = "ofapt");
  ~TemporaryDirectory();
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool file_exists(const std::string& path);
// The size of the file in bytes; 0 when there is none.
int64_t file_bytes(const std::string& path);
bool is_directory(const std::string& path);

// "dir" + "/" + "name", without doubling the slash.
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace ofapt
