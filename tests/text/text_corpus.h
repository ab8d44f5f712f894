// A deterministic corpus of varied text lines for the tokenizer tests (see text_corpus.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ofapt::testing {

// Hand-picked edge cases first, then random mixes of words, contractions, digits, accents, combining
// marks, CJK, emoji, punctuation runs and whitespace runs, plus random code points from many scripts.
// Lines may contain tabs and newlines. U+0085 and U+FEFF are left out: JavaScript's \s disagrees
// with the Python reference on them (docs/tokenizer.md).
std::vector<std::string> varied_lines(size_t count, uint32_t seed = 20240521);

}  // namespace ofapt::testing
