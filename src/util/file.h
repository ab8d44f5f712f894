// Whole-file reads and atomic writes (write to a temporary beside the target, fsync, rename).
#pragma once

#include <string>
#include <vector>

namespace ofapt {

// Reads a whole file; throws Error(kIo) naming the path when it cannot.
std::string read_file(const std::string& path);

// Writes `bytes` to `path` atomically: a killed process leaves either the old file or the new one.
void write_file_atomic(const std::string& path, const std::string& bytes);

bool file_exists(const std::string& path);
bool is_directory(const std::string& path);

// "dir" + "/" + "name", without doubling the slash.
std::string join_path(const std::string& dir, const std::string& name);

}  // namespace ofapt
