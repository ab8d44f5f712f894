// GPT-2's pre-tokenizer: the regex
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// written out by hand over UTF-8 code points. BPE then runs inside each piece, never across pieces.
#pragma once

#include <string_view>
#include <vector>

namespace ofapt::text {

// Appends the pieces of `text` to `pieces`; they are views into `text` and concatenate back to it.
// \s is Unicode White_Space, as in the `regex` module the reference encoder uses. Bytes that are not
// well-formed UTF-8 count as "other" characters (neither letter, number nor space).
void pretokenize(std::string_view text, std::vector<std::string_view>& pieces);

inline std::vector<std::string_view> pretokenize(std::string_view text) {
  std::vector<std::string_view> pieces;
  pretokenize(text, pieces);
  return pieces;
}

}  // namespace ofapt::text
