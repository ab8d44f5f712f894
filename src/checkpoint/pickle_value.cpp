#include "checkpoint/pickle_value.h"

#include "util/error.h"

namespace ofapt {
namespace {

constexpr int kMaxJsonDepth = 100;

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates); nlohmann refuses to
// dump anything else, and Python may write lone surrogates ("surrogatepass").
bool is_utf8(const std::string& text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
    if (lead < 0x80)
      length = 1;
    else if (lead >= 0xC2 && lead <= 0xDF)
      length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
      length = 3, low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
    else if (lead >= 0xF0 && lead <= 0xF4)
      length = 4, low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
    else
      return false;
    if (i + length > text.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const unsigned char next = byte(i + k);
      if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF)) return false;
    }
    i += length;
  }
  return true;
}

nlohmann::json to_json(const PickleValue& value, const std::string& source, int depth) {
  OFAPT_CHECK(depth < kMaxJsonDepth, ErrorKind::kFormat, source, ": pickled data nests deeper than ", kMaxJsonDepth,
              " levels");
  switch (value.kind) {
    case PickleKind::kBool:
      return value.boolean;
    case PickleKind::kInt:
      return value.integer;
    case PickleKind::kFloat:
      return value.real;
    case PickleKind::kString:
      return is_utf8(value.text) ? nlohmann::json(value.text) : nlohmann::json();
    case PickleKind::kList:
    case PickleKind::kTuple: {
      nlohmann::json array = nlohmann::json::array();
      for (const PickleValue* item : value.items) array.push_back(to_json(*item, source, depth + 1));
      return array;
    }
    case PickleKind::kDict: {
      nlohmann::json object = nlohmann::json::object();
      for (const auto& [key, item] : value.entries) {
        std::string name;
        if (key->kind == PickleKind::kString && is_utf8(key->text))
          name = key->text;
        else if (key->kind == PickleKind::kInt)
          name = std::to_string(key->integer);
        else
          continue;  // keys with no JSON spelling (tuples, objects) are dropped
        object[name] = to_json(*item, source, depth + 1);
      }
      return object;
    }
    default:
      return nullptr;
  }
}

}  // namespace

const PickleValue* PickleValue::find(const std::string& key) const {
  for (auto entry = entries.rbegin(); entry != entries.rend(); ++entry) {
    if (entry->first->kind == PickleKind::kString && entry->first->text == key) return entry->second;
  }
  return nullptr;
}

std::string PickleValue::describe() const {
  switch (kind) {
    case PickleKind::kNone:
      return "None";
    case PickleKind::kBool:
      return "a bool";
    case PickleKind::kInt:
      return "an int";
    case PickleKind::kFloat:
      return "a float";
    case PickleKind::kString:
      return "a string";
    case PickleKind::kBytes:
      return "bytes";
    case PickleKind::kList:
      return "a list";
    case PickleKind::kTuple:
      return "a tuple";
    case PickleKind::kDict:
      return text.empty() ? "a dict" : str("a dict (", text, ")");
    case PickleKind::kGlobal:
      return str("a reference to ", text);
    case PickleKind::kStorage:
      return "a bare storage";
    case PickleKind::kTensor:
      return "a tensor";
    case PickleKind::kObject:
      return str("an object of class ", text);
  }
  return "an unknown value";
}

PickleValue* Pickle::make(PickleKind kind) {
  values_->emplace_back();
  values_->back().kind = kind;
  return &values_->back();
}

nlohmann::json pickle_to_json(const PickleValue& value, const std::string& source) { return to_json(value, source, 0); }

}  // namespace ofapt
