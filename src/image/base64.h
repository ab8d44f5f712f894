// Base64 (RFC 4648): OFA TSV image columns are URL-safe base64 (Python's base64.urlsafe_b64encode).
#pragma once

#include <string>
#include <string_view>

namespace ofapt {

enum class Base64Alphabet {
  kStandard,  // A-Z a-z 0-9 + /
  kUrlSafe,   // A-Z a-z 0-9 - _
};

// Encodes with '=' padding.
std::string base64_encode(std::string_view bytes, Base64Alphabet alphabet = Base64Alphabet::kStandard);

// Decodes either alphabet (even mixed, as Python's urlsafe_b64decode also accepts '+' and '/'), with or
// without '=' padding. ASCII whitespace is skipped (line-wrapped base64). Throws Error(kInput) naming
// `source_name` and the offending character's position for anything else, misplaced or excess padding,
// or a length that cannot be base64 (4k+1 characters).
std::string base64_decode(std::string_view text, const std::string& source_name = "base64 text");

}  // namespace ofapt
