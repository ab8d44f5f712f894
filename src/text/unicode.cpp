#include "text/unicode.h"

#include <algorithm>

#include "text/unicode_tables.h"

namespace ofapt::text {
namespace {

bool in_ranges(const tables::CodePointRange* table, size_t size, char32_t c) {
  const tables::CodePointRange* end = table + size;
  const auto* it =
      std::lower_bound(table, end, c, [](const tables::CodePointRange& r, char32_t v) { return r.last < v; });
  return it != end && it->first <= c;
}

bool is_continuation(unsigned char b, unsigned char low = 0x80, unsigned char high = 0xBF) {
  return b >= low && b <= high;
}

}  // namespace

Utf8Char decode_utf8(std::string_view text, size_t pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return {lead, 1, true};
  size_t needed;
  char32_t value;
  // The second byte's range is narrower after some leads: that rules out overlongs, surrogates, > U+10FFFF.
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    needed = 1, value = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    needed = 2, value = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    needed = 3, value = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return {0xFFFD, 1, false};
  }
  size_t length = 1;
  for (size_t k = 0; k < needed; ++k) {
    if (pos + length >= text.size()) return {0xFFFD, length, false};
    const auto b = static_cast<unsigned char>(text[pos + length]);
    if (k == 0 ? !is_continuation(b, low, high) : !is_continuation(b)) return {0xFFFD, length, false};
    value = (value << 6) | (b & 0x3F);
    ++length;
  }
  return {value, length, true};
}

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string replace_invalid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t pos = 0; pos < bytes.size();) {
    const Utf8Char ch = decode_utf8(bytes, pos);
    if (ch.valid) {
      out.append(bytes.substr(pos, ch.length));
    } else {
      append_utf8(0xFFFD, out);
    }
    pos += ch.length;
  }
  return out;
}

bool is_letter(char32_t c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return in_ranges(tables::kLetter, tables::kLetterSize, c);
}

bool is_number(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return in_ranges(tables::kNumber, tables::kNumberSize, c);
}

bool is_white_space(char32_t c) { return in_ranges(tables::kWhiteSpace, tables::kWhiteSpaceSize, c); }

bool is_python_space(char32_t c) { return in_ranges(tables::kPythonSpace, tables::kPythonSpaceSize, c); }

std::string_view strip_python_space(std::string_view text, bool left, bool right) {
  size_t begin = text.size(), end = 0;  // first and past-the-last non-space bytes
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char ch = decode_utf8(text, pos);
    if (!ch.valid || !is_python_space(ch.code_point)) {
      if (begin == text.size()) begin = pos;
      end = pos + ch.length;
    }
    pos += ch.length;
  }
  if (begin == text.size()) return left || right ? text.substr(0, 0) : text;  // all spaces
  return text.substr(left ? begin : 0, (right ? end : text.size()) - (left ? begin : 0));
}

std::string to_lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char ch = decode_utf8(text, pos);
    char32_t c = ch.code_point;
    if (!ch.valid) {
      out.append(text.substr(pos, ch.length));
    } else if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    } else if (c == 0x130) {  // İ -> i + combining dot above, the only multi-code-point lowercase
      out += 'i';
      append_utf8(0x307, out);
    } else {
      const tables::LowerRange* end = tables::kLower + tables::kLowerSize;
      const auto* it =
          std::lower_bound(tables::kLower, end, c, [](const tables::LowerRange& r, char32_t v) { return r.last < v; });
      if (it != end && it->first <= c && (c - it->first) % it->stride == 0) c = static_cast<char32_t>(c + it->delta);
      append_utf8(c, out);
    }
    pos += ch.length;
  }
  return out;
}

}  // namespace ofapt::text
