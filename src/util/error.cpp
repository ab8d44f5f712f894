#include "util/error.h"

namespace ofapt {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kInput: return "input";
    case ErrorKind::kFormat: return "format";
    case ErrorKind::kSchema: return "schema";
    case ErrorKind::kIo: return "io";
    case ErrorKind::kNotFound: return "not found";
    case ErrorKind::kLimit: return "limit";
    case ErrorKind::kUnavailable: return "unavailable";
    case ErrorKind::kInternal: return "internal";
  }
  return "unknown";
}

}  // namespace ofapt
