// Token patterns of CoreNLP 3.4.1's PTBLexer.flex (WORD, THING, HTHING, NUMBER, FRAC, the
// abbreviation lists, ...). Each `*_end(s, i)` returns where the longest match starting at i ends,
// or i when there is none; the lexer (ptb_lexer.cpp) compares them to pick a token.
#pragma once

#include <vector>
#include <string>

namespace ofapt::ptb {

using Text = std::u32string;

// ASCII letters in `literal` match either case (JFlex %caseless), except that an uppercase
// letter matches only itself: the lexer writes those as one-letter classes such as [M]iss.
bool literal_at(const Text& s, size_t i, const char* literal);
size_t literal_length(const char* literal);

extern const std::vector<const char*> kAbbrev1;  // ABBREV1: usually before lowercase words
extern const std::vector<const char*> kAbbrev2;  // ABBREV2: usually before capitalized words
extern const std::vector<const char*> kAbbrev3;  // ABBREV3: only before a number
extern const std::vector<const char*> kSentenceStarters;  // words after which "X." ends a sentence

size_t word_end(const Text& s, size_t i);       // WORD: letters/digits, inner [.!?] joins ("a.m")
size_t redaux_length(const Text& s, size_t i);  // REDAUX: 's 'm 'd 're 've 'll (0 if none)
size_t sredaux_length(const Text& s, size_t i); // SREDAUX: n't (0 if none)
size_t abbreviation_end(const Text& s, size_t i, const std::vector<const char*>& list);  // "abbr."
size_t acro_end(const Text& s, size_t i);       // ACRO: a, u.s, a.k.a
size_t hthing_end(const Text& s, size_t i);     // HTHING: t-shirt, 3.5-inch
size_t thing_end(const Text& s, size_t i);      // THING: 2nd, o'clock, well_known
size_t thing3_end(const Text& s, size_t i);     // THING3: and/or
size_t number_end(const Text& s, size_t i);     // NUMBER: 1,000 3.5 -2
size_t fraction_end(const Text& s, size_t i);   // FRAC: 1/2, 2 1/2
size_t apostrophe_word_end(const Text& s, size_t i);  // APOWORD: 'n', O'Neil, 'til
size_t filename_end(const Text& s, size_t i);   // FILENAME plus its one character of trailing context

// Web text (ptb_web_patterns.cpp).
size_t likely_url_end(const Text& s, size_t i);  // LIKELYURL: www.x.org, a.com/path
size_t email_end(const Text& s, size_t i);       // EMAIL: a@b.com
size_t sgml_end(const Text& s, size_t i);        // SGML: <b>, </b>, <a href="x">, <!-- ... >

}  // namespace ofapt::ptb
