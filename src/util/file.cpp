#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "util/error.h"

namespace ofapt {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  OFAPT_CHECK(in.good(), ErrorKind::kIo, path, ": cannot open (", std::strerror(errno), ")");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  OFAPT_CHECK(!in.bad(), ErrorKind::kIo, path, ": read failed");
  return bytes;
}

AtomicFileWriter::AtomicFileWriter(std::string path) : path_(std::move(path)) {
  std::random_device random;
  temp_ = path_ + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(random());
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  OFAPT_CHECK(fd_ >= 0, ErrorKind::kIo, path_, ": cannot create ", temp_, " (", std::strerror(errno), ")");
}

AtomicFileWriter::~AtomicFileWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFileWriter::write(const char* data, size_t size) {
  OFAPT_CHECK(fd_ >= 0, ErrorKind::kInternal, path_, ": write after commit");
  size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd_, data + written, size - written);
    if (n < 0 && errno == EINTR) continue;
    OFAPT_CHECK(n > 0, ErrorKind::kIo, path_, ": write failed (", std::strerror(errno), ")");
    written += static_cast<size_t>(n);
  }
  bytes_ += static_cast<int64_t>(size);
}

void AtomicFileWriter::commit() {
  const bool synced = ::fsync(fd_) == 0;
  ::close(fd_);
  fd_ = -1;
  OFAPT_CHECK(synced && std::rename(temp_.c_str(), path_.c_str()) == 0, ErrorKind::kIo, path_, ": cannot replace (",
              std::strerror(errno), ")");
  committed_ = true;
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  AtomicFileWriter file(path);
  file.write(bytes);
  file.commit();
}

void make_directory(const std::string& path) {
  if (is_directory(path)) return;
  OFAPT_CHECK(::mkdir(path.c_str(), 0755) == 0 || is_directory(path), ErrorKind::kIo, path,
              ": cannot create the directory (", std::strerror(errno), ")");
}

void make_directories(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    make_directory(path.substr(0, slash));
  }
  make_directory(path);
}

TemporaryDirectory::TemporaryDirectory(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = join_path(base != nullptr && *base != '\0' ? base : "/tmp", prefix + "_XXXXXX");
  OFAPT_CHECK(::mkdtemp(pattern.data()) != nullptr, ErrorKind::kIo, pattern, ": cannot create a temporary directory (",
              std::strerror(errno), ")");
  path_ = pattern;
}

TemporaryDirectory::~TemporaryDirectory() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

int64_t file_bytes(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 ? static_cast<int64_t>(info.st_size) : 0;
}

bool is_directory(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

}  // namespace ofapt
