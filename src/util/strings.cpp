#include "util/strings.h"

#include <cstdio>

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

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t k = 0; k < items.size(); ++k) out += (k ? separator : "") + items[k];
  return out;
}

std::string replace_all(const std::string& text, const std::string& from, const std::string& to) {
  const auto pieces = split_on(text, from);
  std::string out = pieces.front();
  for (size_t i = 1; i < pieces.size(); ++i) out += to + pieces[i];
  return out;
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string human_bytes(double bytes) {
  char text[32];
  if (bytes >= 1048576.0) std::snprintf(text, sizeof text, "%.1f MB", bytes / 1048576.0);
  else std::snprintf(text, sizeof text, "%.1f KB", bytes / 1024.0);
  return text;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

}  // namespace ofapt
