#include "util/strings.h"

namespace ofapt {

std::vector<std::string> split_on(const std::string& text, const std::string& separator) {
  std::vector<std::string> pieces;
  size_t begin = 0;
  while (true) {
    const auto at = text.find(separator, begin);
    pieces.push_back(text.substr(begin, at == std::string::npos ? std::string::npos : at - begin));
    if (at == std::string::npos) return pieces;
    begin = at + separator.size();
  }
}

}  // namespace ofapt
