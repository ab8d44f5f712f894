// Small string helpers shared by the file readers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ofapt {

// The pieces of text between occurrences of separator (an empty text gives one empty piece;
// "a,,b" on "," gives "a", "", "b"). separator must not be empty.
std::vector<std::string> split_on(const std::string& text, const std::string& separator);

// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, const std::string& separator);

// Every non-overlapping occurrence of `from` (left to right) replaced by `to`, as Python's str.replace.
std::string replace_all(const std::string& text, const std::string& from, const std::string& to);

bool starts_with(const std::string& text, const std::string& prefix);
bool ends_with(const std::string& text, const std::string& suffix);

// A tensor shape as error messages print it: "[2, 3]".
std::string shape_string(const std::vector<int64_t>& shape);
// "256.3 KB", "49.9 MB" (binary units), for tables.
std::string human_bytes(double bytes);

}  // namespace ofapt
