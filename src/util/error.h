// Errors of ofapt: one exception type with a kind, caught only at the CLI and HTTP boundaries.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ofapt {

// What went wrong, so the boundary can pick an exit code or an HTTP status.
enum class ErrorKind {
  kUsage,     // bad command-line or request arguments
  kInput,     // bad user data: image, text, TSV row, request body
  kFormat,    // a file that is not what it claims to be (corrupt checkpoint, bad header)
  kSchema,    // a well-formed file with the wrong content (missing key, wrong shape or dtype)
  kIo,        // the operating system refused (missing file, disk full)
  kNotFound,  // a named thing (a registered prompt, an endpoint) does not exist
  kLimit,     // over a configured limit (queue length, body size, image size): try less, or later
  kUnavailable,  // the service is shutting down
  kInternal,  // a broken invariant inside ofapt
};

const char* to_string(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Concatenates any streamable values into one string: str("key ", name, " has ", n, " dims").
template <typename... Args>
std::string str(Args&&... args) {
  std::ostringstream out;
  (out << ... << std::forward<Args>(args));
  return out.str();
}

}  // namespace ofapt

// Throws ofapt::Error(kind, str(message...)) unless `condition` holds.
#define OFAPT_CHECK(condition, kind, ...)                                        \
  do {                                                                           \
    if (!(condition)) throw ::ofapt::Error((kind), ::ofapt::str(__VA_ARGS__)); \
  } while (false)
