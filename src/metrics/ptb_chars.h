// Character classes of the CoreNLP 3.4.1 PTB lexer (Java/JFlex [:letter:], [:digit:], [:uppercase:]
// and the lexer's own SPACE, NEWLINE, apostrophe and quote sets), plus Java's English lowercasing.
// Unicode coverage is by block ranges: exact for ASCII and Latin-1, close elsewhere.
#pragma once

#include <string>

namespace ofapt::ptb {

// s[i], or 0 past the end: the scanners look ahead without bounds checks of their own.
inline char32_t char_at(const std::u32string& s, size_t i) { return i < s.size() ? s[i] : 0; }

bool is_ascii_letter(char32_t c);
bool is_ascii_digit(char32_t c);
bool is_ascii_alnum(char32_t c);
bool is_letter(char32_t c);       // Java Character.isLetter, i.e. JFlex [:letter:]
bool is_word_letter(char32_t c);  // the lexer's LETTER: [:letter:] plus soft hyphen and combining marks
bool is_digit(char32_t c);        // JFlex [:digit:]
bool is_upper(char32_t c);        // JFlex [:uppercase:]
bool is_space(char32_t c);        // SPACE: blank, tab, no-break and typographic spaces
bool is_newline(char32_t c);      // NEWLINE (\r\n is handled by the lexer as one break)
bool is_space_or_newline(char32_t c);
bool is_apos(char32_t c);               // APOS: ' U+0092 U+2019
bool is_apos_etcetera(char32_t c);      // APOSETCETERA: APOS or ` U+0091 U+2018 U+201B
bool is_hyphen(char32_t c);             // HYPHEN: - _ U+058A U+2010 U+2011
bool is_in_sentence_punct(char32_t c);  // INSENTP: , ; : U+3001
bool is_misc_symbol(char32_t c);        // MISCSYMBOL: stand-alone symbols such as + % & ° ×
bool is_quote_char(char32_t c);         // the one-or-two character QUOTES class

// What PTBLexer's handleQuotes does with the default latexQuotes option: ' and " become ` and ``
// when `probably_left`, else ' and ''; curly and angle quotes map by their direction.
std::u32string latex_quotes(const std::u32string& token, bool probably_left);

// Java String.toLowerCase(Locale.ENGLISH) for the scripts captions use.
std::u32string to_lower(const std::u32string& text);

}  // namespace ofapt::ptb
