// UTF-8 <-> code points for the caption tokenizer and Python-style splitting.
// Malformed bytes decode to U+FFFD, so any byte string can be scored without throwing.
#pragma once

#include <string>

namespace ofapt {

std::u32string decode_utf8(const std::string& text);
std::string encode_utf8(const std::u32string& text);

}  // namespace ofapt
