// OFA's text normalisation (data/ofa_dataset.py pre_caption / pre_question, ofa-spec §2) and the
// punctuation stripping of caption targets and caption evaluation (string.punctuation removal).
#pragma once

#include <string>
#include <string_view>

namespace ofapt::text {

// OFA's pre_caption, step for step: lowercase (Python str.lower); strip leading ",.!?*#:;~";
// '-' and '/' -> ' '; "<person>" -> "person"; each run of 2+ whitespace characters -> one space
// (a single tab or newline stays); drop trailing '\n's, then leading/trailing spaces; keep the first
// `max_words` of the space-separated words (all when max_words < 0). Known difference: a final capital sigma lowers to
// σ, not ς.
std::string pre_caption(std::string_view caption, int max_words);

// pre_question: the same without the "<person>" rule.
std::string pre_question(std::string_view question, int max_words);

// text.translate({c: None for c in string.punctuation}).strip(): removes the 32 ASCII punctuation
// characters !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~, then trims Unicode whitespace at both ends.
std::string remove_punctuation(std::string_view text);

// ' '.join(text.split()[:max_words]) with Python's whitespace; max_words < 0 keeps every word.
std::string join_words(std::string_view text, int max_words = -1);

}  // namespace ofapt::text
