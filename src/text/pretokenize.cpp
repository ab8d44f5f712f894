#include "text/pretokenize.h"

#include <cstdint>

#include "text/unicode.h"

namespace ofapt::text {
namespace {

// The regex only ever asks which of these a character is, plus whether it is ' ' or an apostrophe.
enum class CharClass : uint8_t { kLetter, kNumber, kSpace, kOther };

struct Unit {
  size_t offset;  // byte offset of the character in the text
  char32_t code_point;
  CharClass cls;
};

CharClass classify(const Utf8Char& ch) {
  if (!ch.valid) return CharClass::kOther;
  const char32_t c = ch.code_point;
  if (is_letter(c)) return CharClass::kLetter;
  if (is_number(c)) return CharClass::kNumber;
  if (is_white_space(c)) return CharClass::kSpace;
  return CharClass::kOther;
}

// Length in units of the contraction ('s 't 're 've 'm 'll 'd, lowercase only) starting at i, or 0.
size_t contraction_length(const std::vector<Unit>& units, size_t i) {
  const size_t n = units.size();
  if (units[i].code_point != '\'' || i + 1 >= n) return 0;
  const char32_t a = units[i + 1].code_point;
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
  if (i + 2 >= n) return 0;
  const char32_t b = units[i + 2].code_point;
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
  return 0;
}

}  // namespace

void pretokenize(std::string_view text, std::vector<std::string_view>& pieces) {
  std::vector<Unit> units;
  units.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char ch = decode_utf8(text, pos);
    units.push_back({pos, ch.code_point, classify(ch)});
    pos += ch.length;
  }
  const size_t n = units.size();
  auto run_end = [&](size_t j, CharClass cls) {
    while (j < n && units[j].cls == cls) ++j;
    return j;
  };
  auto offset = [&](size_t unit) { return unit < n ? units[unit].offset : text.size(); };

  for (size_t i = 0; i < n;) {
    size_t end = i + contraction_length(units, i);
    if (end == i) {
      // " ?X+" for X = letters, numbers or others: a single ASCII space may lead a non-space run.
      const size_t start = units[i].code_point == ' ' && i + 1 < n && units[i + 1].cls != CharClass::kSpace ? i + 1 : i;
      const CharClass cls = units[start].cls;
      if (cls != CharClass::kSpace) {
        end = run_end(start + 1, cls);
      } else {
        // "\s+(?!\S)" backs off one space before a non-space, so that space can lead the next word;
        // a lone space before a non-space falls through to "\s+".
        end = run_end(i, CharClass::kSpace);
        if (end < n && end - i > 1) --end;
      }
    }
    pieces.push_back(text.substr(units[i].offset, offset(end) - units[i].offset));
    i = end;
  }
}

}  // namespace ofapt::text
