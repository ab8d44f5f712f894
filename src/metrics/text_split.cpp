// Python str.split() and str.split(" ") on UTF-8 text.
#include "metrics/text_split.h"

#include "metrics/utf8.h"

namespace ofapt {
namespace {

// Python's str.isspace() set (Unicode White_Space plus the ASCII separators 0x1c-0x1f).
bool is_python_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

}  // namespace

std::vector<std::string> split_whitespace(const std::string& text) {
  std::vector<std::string> words;
  std::u32string current;
  for (char32_t c : decode_utf8(text)) {
    if (!is_python_space(c)) {
      current.push_back(c);
    } else if (!current.empty()) {
      words.push_back(encode_utf8(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(encode_utf8(current));
  return words;
}

std::vector<std::string> split_space(const std::string& text) {
  std::vector<std::string> pieces;
  size_t start = 0;
  for (;;) {
    const size_t space = text.find(' ', start);
    if (space == std::string::npos) {
      pieces.push_back(text.substr(start));
      return pieces;
    }
    pieces.push_back(text.substr(start, space - start));
    start = space + 1;
  }
}

}  // namespace ofapt
