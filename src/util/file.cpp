#include "util/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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

void write_file_atomic(const std::string& path, const std::string& bytes) {
  std::random_device random;
  const std::string temp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(random());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  OFAPT_CHECK(fd >= 0, ErrorKind::kIo, path, ": cannot create ", temp, " (", std::strerror(errno), ")");
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      ::unlink(temp.c_str());
      throw Error(ErrorKind::kIo, str(path, ": write failed (", reason, ")"));
    }
    written += static_cast<size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp.c_str());
    throw Error(ErrorKind::kIo, str(path, ": cannot replace (", reason, ")"));
  }
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
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
