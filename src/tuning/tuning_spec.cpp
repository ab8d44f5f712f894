#include "tuning/tuning_spec.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "util/error.h"

namespace ofapt {
namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

bool is_word(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  }
  return true;
}

std::string format_number(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

TuningSpec TuningSpec::parse(const std::string& text) {
  TuningSpec spec;
  const auto colon = text.find(':');
  spec.method = trim(text.substr(0, colon));
  OFAPT_CHECK(is_word(spec.method), ErrorKind::kUsage, "tuning spec '", text,
              "': expected a method name first, as in prompt:length=64,depth=both");
  if (colon == std::string::npos) return spec;
  std::stringstream rest(text.substr(colon + 1));
  std::string item;
  while (std::getline(rest, item, ',')) {
    item = trim(item);
    if (item.empty()) continue;
    const auto equals = item.find('=');
    const std::string key = trim(item.substr(0, equals));
    const std::string value = equals == std::string::npos ? "true" : trim(item.substr(equals + 1));
    OFAPT_CHECK(is_word(key) && !value.empty(), ErrorKind::kUsage, "tuning spec '", text, "': option '", item,
                "' is not key=value");
    OFAPT_CHECK(spec.options.emplace(key, value).second, ErrorKind::kUsage, "tuning spec '", text, "': option '",
                key, "' given twice");
  }
  return spec;
}

std::string TuningSpec::to_string() const {
  std::string text = method;
  const char* separator = ":";
  for (const auto& [key, value] : options) {
    text += separator + key + "=" + value;
    separator = ",";
  }
  return text;
}

SpecReader::SpecReader(TuningSpec spec) : spec_(std::move(spec)) {}

const std::string* SpecReader::find(const std::string& key) {
  auto it = spec_.options.find(key);
  return it == spec_.options.end() ? nullptr : &it->second;
}

int64_t SpecReader::integer(const std::string& key, int64_t fallback, int64_t min, int64_t max) {
  int64_t value = fallback;
  if (const std::string* text = find(key)) {
    char* end = nullptr;
    errno = 0;
    value = std::strtoll(text->c_str(), &end, 10);
    OFAPT_CHECK(errno == 0 && end != nullptr && *end == '\0', ErrorKind::kUsage, "tuning spec ", spec_.method,
                ": option ", key, "='", *text, "' is not an integer");
  }
  OFAPT_CHECK(value >= min && value <= max, ErrorKind::kUsage, "tuning spec ", spec_.method, ": option ", key, "=",
              value, " is outside [", min, ", ", max, "]");
  resolved_[key] = std::to_string(value);
  return value;
}

double SpecReader::number(const std::string& key, double fallback, double min, double max) {
  double value = fallback;
  if (const std::string* text = find(key)) {
    char* end = nullptr;
    value = std::strtod(text->c_str(), &end);
    OFAPT_CHECK(end != nullptr && *end == '\0' && std::isfinite(value), ErrorKind::kUsage, "tuning spec ",
                spec_.method, ": option ", key, "='", *text, "' is not a number");
  }
  OFAPT_CHECK(value >= min && value <= max, ErrorKind::kUsage, "tuning spec ", spec_.method, ": option ", key, "=",
              value, " is outside [", min, ", ", max, "]");
  resolved_[key] = format_number(value);
  return value;
}

bool SpecReader::flag(const std::string& key, bool fallback) {
  bool value = fallback;
  if (const std::string* text = find(key)) {
    OFAPT_CHECK(*text == "true" || *text == "false", ErrorKind::kUsage, "tuning spec ", spec_.method, ": option ",
                key, "='", *text, "' is not true or false");
    value = *text == "true";
  }
  resolved_[key] = value ? "true" : "false";
  return value;
}

std::string SpecReader::choice(const std::string& key, const std::string& fallback,
                               const std::vector<std::string>& choices) {
  std::string value = fallback;
  if (const std::string* text = find(key)) value = *text;
  bool known = false;
  std::string listed;
  for (const auto& option : choices) {
    known = known || option == value;
    listed += (listed.empty() ? "" : ", ") + option;
  }
  OFAPT_CHECK(known, ErrorKind::kUsage, "tuning spec ", spec_.method, ": option ", key, "='", value,
              "' is not one of ", listed);
  resolved_[key] = value;
  return value;
}

std::string SpecReader::text(const std::string& key, const std::string& fallback) {
  const std::string* text = find(key);
  std::string value = text != nullptr ? *text : fallback;
  resolved_[key] = value;
  return value;
}

void SpecReader::finish() const {
  std::string unknown, known;
  for (const auto& [key, value] : spec_.options) {
    if (resolved_.count(key) == 0) unknown += (unknown.empty() ? "" : ", ") + key;
  }
  for (const auto& [key, value] : resolved_) known += (known.empty() ? "" : ", ") + key;
  OFAPT_CHECK(unknown.empty(), ErrorKind::kUsage, "tuning spec ", spec_.method, ": unknown option(s) ", unknown,
              " (known: ", known.empty() ? "none" : known, ")");
}

std::string SpecReader::canonical() const {
  return TuningSpec{spec_.method, resolved_}.to_string();
}

}  // namespace ofapt
