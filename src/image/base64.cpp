#include "image/base64.h"

#include <array>
#include <cstdint>

#include "util/error.h"

namespace ofapt {
namespace {

constexpr char kStandardChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlSafeChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr int8_t kInvalid = -1;
constexpr int8_t kWhitespace = -2;
constexpr int8_t kPad = -3;

// Character -> 6-bit value, for both alphabets at once.
std::array<int8_t, 256> make_decode_table() {
  std::array<int8_t, 256> table;
  table.fill(kInvalid);
  for (int i = 0; i < 64; ++i) {
    table[static_cast<unsigned char>(kStandardChars[i])] = static_cast<int8_t>(i);
    table[static_cast<unsigned char>(kUrlSafeChars[i])] = static_cast<int8_t>(i);
  }
  for (char c : {' ', '\t', '\r', '\n', '\v', '\f'}) table[static_cast<unsigned char>(c)] = kWhitespace;
  table['='] = kPad;
  return table;
}

// How a character is shown in an error: printable as is, anything else as a byte value.
std::string describe(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x21 && byte < 0x7F) return str("'", c, "'");
  return str("byte 0x", "0123456789abcdef"[byte >> 4], "0123456789abcdef"[byte & 15]);
}

}  // namespace

std::string base64_encode(std::string_view bytes, Base64Alphabet alphabet) {
  const char* chars = alphabet == Base64Alphabet::kUrlSafe ? kUrlSafeChars : kStandardChars;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t group = static_cast<uint8_t>(bytes[i]) << 16 | static_cast<uint8_t>(bytes[i + 1]) << 8 |
                           static_cast<uint8_t>(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += chars[(group >> shift) & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t group = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) group |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += chars[(group >> 18) & 63];
    out += chars[(group >> 12) & 63];
    out += rest == 2 ? chars[(group >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string base64_decode(std::string_view text, const std::string& source_name) {
  static const std::array<int8_t, 256> table = make_decode_table();
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t group = 0;    // the bits of the current quartet, 6 per character
  size_t in_group = 0;   // characters in the current quartet
  size_t digits = 0;     // data characters seen
  size_t pads = 0;       // '=' seen (only whitespace may follow them)
  size_t first_pad = 0;  // position of the first '='
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const int8_t value = table[static_cast<unsigned char>(text[pos])];
    if (value == kWhitespace) continue;
    if (value == kPad) {
      if (pads == 0) first_pad = pos;
      ++pads;
      continue;
    }
    OFAPT_CHECK(value != kInvalid, ErrorKind::kInput, source_name, ": invalid base64 character ", describe(text[pos]),
                " at position ", pos);
    OFAPT_CHECK(pads == 0, ErrorKind::kInput, source_name, ": base64 padding '=' at position ", first_pad,
                " is followed by data");
    group = group << 6 | static_cast<uint32_t>(value);
    ++digits;
    if (++in_group == 4) {
      out += static_cast<char>(group >> 16 & 0xFF);
      out += static_cast<char>(group >> 8 & 0xFF);
      out += static_cast<char>(group & 0xFF);
      group = 0;
      in_group = 0;
    }
  }
  OFAPT_CHECK(in_group != 1, ErrorKind::kInput, source_name, ": truncated base64 (", digits,
              " data characters: one too many, or some missing)");
  // Padding may be absent or partial, never more than the last quartet needs.
  OFAPT_CHECK(pads <= (in_group == 0 ? 0 : 4 - in_group), ErrorKind::kInput, source_name,
              ": too much base64 padding at position ", first_pad);
  if (in_group == 2) {
    out += static_cast<char>(group >> 4 & 0xFF);  // 12 bits: one byte, 4 padding bits ignored
  } else if (in_group == 3) {
    out += static_cast<char>(group >> 10 & 0xFF);  // 18 bits: two bytes
    out += static_cast<char>(group >> 2 & 0xFF);
  }
  return out;
}

}  // namespace ofapt
