// UTF-8 stepping and the few Unicode properties the tokenizer and OFA's text normalisation need.
// Tables are generated (scripts/gen_unicode_tables.py); see unicode_tables.cpp for their Unicode version.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ofapt::text {

// One step through a UTF-8 string.
struct Utf8Char {
  char32_t code_point;  // U+FFFD when !valid
  size_t length;        // bytes consumed, >= 1
  bool valid;
};

// Decodes the character at text[pos] (pos < text.size()). An ill-formed sequence yields its maximal
// subpart (Unicode's recommended practice, which Python's decoder follows) as one invalid step.
Utf8Char decode_utf8(std::string_view text, size_t pos);

// Appends the UTF-8 encoding of a valid scalar value.
void append_utf8(char32_t code_point, std::string& out);

// bytes.decode("utf-8", errors="replace"): every ill-formed subpart becomes U+FFFD.
std::string replace_invalid_utf8(std::string_view bytes);

bool is_letter(char32_t c);        // \p{L}
bool is_number(char32_t c);        // \p{N}
bool is_white_space(char32_t c);   // Unicode White_Space: \s of the `regex` module used by GPT-2
bool is_python_space(char32_t c);  // str.isspace(): \s of Python's `re`, str.strip(), str.split()

// Python's str.strip() / lstrip() / rstrip() without arguments: trims is_python_space characters.
std::string_view strip_python_space(std::string_view text, bool left = true, bool right = true);

// Python's str.lower() on UTF-8 text, except that a final capital sigma becomes σ, not ς.
// Ill-formed bytes are copied unchanged.
std::string to_lower(std::string_view text);

}  // namespace ofapt::text
