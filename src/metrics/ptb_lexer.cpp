// CoreNLP 3.4.1 PTBLexer rules as longest-match scanning: at each position every rule reports the
// length it would match (trailing context included, as JFlex counts it), the longest wins, and
// among equals the rule listed first in PTBLexer.flex wins. A rule may give characters back
// (JFlex yypushback), so a token can consume less than it matched.
#include "metrics/ptb_lexer.h"

#include <algorithm>

#include "metrics/ptb_chars.h"
#include "metrics/ptb_patterns.h"
#include "metrics/utf8.h"

namespace ofapt {
namespace {

using namespace ptb;

struct Match {
  size_t total = 0;     // characters matched, trailing context included
  size_t consumed = 0;  // characters the token takes; the rest is scanned again
  Text token;
  bool emit = false;      // false for whitespace and deleted characters
  bool line_break = false;
};

class Lexer {
 public:
  explicit Lexer(const Text& s) : s_(s) {}

  // The winning rule at i (the caller guarantees i < size).
  Match longest_at(size_t i) const;

 private:
  char32_t at(size_t i) const { return i < s_.size() ? s_[i] : 0; }
  Text slice(size_t from, size_t to) const { return s_.substr(from, to - from); }

  // Rules are offered in PTBLexer.flex order, so only a strictly longer match replaces the best.
  static void offer(Match& best, size_t total, size_t consumed, Text token) {
    if (total <= best.total) return;
    best.total = total;
    best.consumed = consumed;
    best.token = std::move(token);
    best.emit = true;
  }
  static void offer_skip(Match& best, size_t total, bool line_break = false) {
    if (total <= best.total) return;
    best = Match{total, total, Text(), false, line_break};
  }
  void offer_span(Match& best, size_t i, size_t end) const {
    if (end > i) offer(best, end - i, end - i, slice(i, end));
  }
  // "X." followed by a comma, semicolon or colon keeps its period (WORD\./{INSENTP} and kin).
  void offer_with_period(Match& best, size_t i, size_t end) const {
    if (end > i && at(end) == '.' && is_in_sentence_punct(at(end + 1))) {
      offer(best, end + 2 - i, end + 1 - i, slice(i, end + 1));
    }
  }

  void words_and_contractions(Match& best, size_t i) const;
  void numbers_and_abbreviations(Match& best, size_t i) const;
  void punctuation(Match& best, size_t i) const;

  const Text& s_;
};

Match Lexer::longest_at(size_t i) const {
  Match best;
  words_and_contractions(best, i);
  numbers_and_abbreviations(best, i);
  punctuation(best, i);
  if (best.total == 0) offer_skip(best, 1);  // untokenizable: deleted, as the default "firstDelete"
  return best;
}

void Lexer::words_and_contractions(Match& best, size_t i) const {
  const char32_t c = at(i);
  if (literal_at(s_, i, "c++")) offer_span(best, i, i + 3);
  if ((literal_at(s_, i, "c") || literal_at(s_, i, "f")) && at(i + 1) == '#') offer_span(best, i, i + 2);
  // Split assimilations: cannot -> can not, 'twas -> 't was, gonna -> gon na.
  if (literal_at(s_, i, "cannot")) offer(best, 6, 3, slice(i, i + 3));
  if (literal_at(s_, i, "'twas")) offer(best, 5, 2, slice(i, i + 2));
  if (literal_at(s_, i, "'tis")) offer(best, 4, 2, slice(i, i + 2));
  for (const char* word : {"gonna", "gotta", "lemme", "gimme", "wanna"}) {
    if (literal_at(s_, i, word)) offer(best, 5, 3, slice(i, i + 3));
  }
  if (const size_t end = sgml_end(s_, i); end > i) {
    Text tag = slice(i, end);
    for (char32_t& ch : tag) ch = ch == ' ' ? 0xA0 : ch;  // normalizeSpace: one token
    offer(best, end - i, end - i, tag);
  }
  // SPMDASH: em and en dashes (and their entities) become "--".
  if (c == 0x96 || c == 0x97 || (c >= 0x2013 && c <= 0x2015)) offer(best, 1, 1, U"--");
  for (const char* entity : {"&md;", "&mdash;", "&ndash;"}) {
    if (literal_at(s_, i, entity)) offer(best, literal_length(entity), literal_length(entity), U"--");
  }
  if (literal_at(s_, i, "&amp;")) offer(best, 5, 5, U"&");
  // A word before 's 're n't ... is cut there: "man's" -> man 's, "don't" -> do n't.
  const size_t word = word_end(s_, i);
  if (word > i) {
    if (const size_t aux = redaux_length(s_, word)) offer(best, word + aux - i, word - i, slice(i, word));
  }
  const size_t ascii_word = [&] {
    size_t j = i;
    while (is_ascii_letter(at(j))) ++j;
    return j;
  }();
  if (ascii_word >= i + 2 && sredaux_length(s_, ascii_word - 1) && !literal_at(s_, ascii_word - 2, "n")) {
    offer(best, ascii_word + 2 - i, ascii_word - 1 - i, slice(i, ascii_word - 1));
  }
  offer_span(best, i, word);
  offer_span(best, i, apostrophe_word_end(s_, i));
  if (literal_at(s_, i, "y") && is_apos(at(i + 1)) && is_letter(at(i + 2))) offer(best, 3, 2, slice(i, i + 2));
  // Full URLs: http(s):// up to whitespace or a bracket, not ending in punctuation.
  for (const char* scheme : {"http://", "https://"}) {
    if (!literal_at(s_, i, scheme)) continue;
    const size_t start = i + literal_length(scheme);
    size_t j = start, end = 0;
    for (; j < s_.size() && Text(U" \t\n\f\r\"<>|(){}").find(s_[j]) == Text::npos; ++j) {
      if (j > start && Text(U".!?,-").find(s_[j]) == Text::npos) end = j + 1;
    }
    if (end) offer_span(best, i, end);
  }
  offer_span(best, i, likely_url_end(s_, i));
  offer_span(best, i, email_end(s_, i));
  // Twitter names and hashtags.
  if (c == '@' && (is_ascii_letter(at(i + 1)) || at(i + 1) == '_')) {
    size_t j = i + 2;
    while (is_ascii_alnum(at(j)) || at(j) == '_') ++j;
    offer_span(best, i, j);
  }
  if (c == '#' && is_word_letter(at(i + 1))) {
    size_t j = i + 2;
    while (is_word_letter(at(j))) ++j;
    offer_span(best, i, j);
  }
  // 's and n't after the word was cut off, when no letter follows.
  if (const size_t aux = redaux_length(s_, i); aux && i + aux < s_.size() && !is_ascii_letter(at(i + aux))) {
    offer(best, aux + 1, aux, latex_quotes(slice(i, i + aux), false));
  }
  if (const size_t aux = sredaux_length(s_, i); aux && i + aux < s_.size() && !is_ascii_letter(at(i + aux))) {
    offer(best, aux + 1, aux, latex_quotes(slice(i, i + aux), false));
  }
}

void Lexer::numbers_and_abbreviations(Match& best, size_t i) const {
  const char32_t c = at(i);
  // DATE = d{1,2}[-/]d{1,2}[-/]d{2,4}.
  {
    const auto digits = [&](size_t j) { while (is_digit(at(j))) ++j; return j; };
    const size_t a = digits(i);
    if (a > i && a - i <= 2 && (at(a) == '-' || at(a) == '/')) {
      const size_t b = digits(a + 1);
      if (b > a + 1 && b - a - 1 <= 2 && (at(b) == '-' || at(b) == '/')) {
        const size_t y = digits(b + 1);
        if (y >= b + 3) offer_span(best, i, y - b - 1 > 4 ? b + 5 : y);
      }
    }
  }
  offer_span(best, i, number_end(s_, i));
  // SUBSUPNUM: superscript or subscript digits.
  {
    size_t j = (c == 0x207A || c == 0x207B || c == 0x208A || c == 0x208B) ? i + 1 : i;
    const auto sup = [](char32_t d) { return d == 0x2070 || d == 0xB9 || d == 0xB2 || d == 0xB3 || (d >= 0x2074 && d <= 0x2079); };
    const auto sub = [](char32_t d) { return d >= 0x2080 && d <= 0x2089; };
    size_t k = j;
    while (sup(at(k))) ++k;
    if (k == j) while (sub(at(k))) ++k;
    if (k > j) offer_span(best, i, k);
  }
  if (const size_t end = fraction_end(s_, i); end > i) {
    Text fraction = slice(i, end);
    for (char32_t& ch : fraction) ch = ch == ' ' ? 0xA0 : ch;  // normalizeSpace: one token
    offer(best, end - i, end - i, fraction);
  }
  switch (c) {  // FRAC2: composed fractions
    case 0xBC: offer(best, 1, 1, U"1/4"); break;
    case 0xBD: offer(best, 1, 1, U"1/2"); break;
    case 0xBE: offer(best, 1, 1, U"3/4"); break;
    case 0x2153: offer(best, 1, 1, U"1/3"); break;
    case 0x2154: offer(best, 1, 1, U"2/3"); break;
    default: if (c >= 0x2155 && c <= 0x215E) offer_span(best, i, i + 1);
  }
  for (const char* special : {"-rrb-", "-lrb-", "-rcb-", "-lcb-", "-rsb-", "-lsb-", "pro-", "anti-"}) {
    if (literal_at(s_, i, special)) offer_span(best, i, i + literal_length(special));
  }
  offer_span(best, i, thing3_end(s_, i));
  {  // DOLSIGN = [A-Z]*$ | #; DOLSIGN2 = other currency signs, normalized
    size_t j = i;
    while (at(j) >= 'A' && at(j) <= 'Z') ++j;
    if (at(j) == '$') offer_span(best, i, j + 1);
    if (c == '#') offer_span(best, i, i + 1);
    if (c == 0xA2) offer(best, 1, 1, U"cents");
    if (c == 0xA3) offer(best, 1, 1, U"#");
    if (c == 0xA4 || c == 0x80 || c == 0x20A0 || c == 0x20AC) offer(best, 1, 1, U"$");
    if (c == 0xA5 || c == 0x60B || c == 0xE3F || c == 0x20A4 || c == 0xFFE0 || c == 0xFFE1 || c == 0xFFE5 || c == 0xFFE6) {
      offer_span(best, i, i + 1);
    }
  }
  // ACRONYM: "U.S." before a capitalized sentence starter is also a sentence end; "I." is split.
  const size_t acro = acro_end(s_, i);
  if (acro > i && at(acro) == '.') {
    size_t j = acro + 1;
    while (is_space_or_newline(at(j))) ++j;
    if (j > acro + 1) {
      for (const char* starter : kSentenceStarters) {
        const size_t after = j + literal_length(starter);
        if (literal_at(s_, j, starter) && is_space_or_newline(at(after))) {
          const size_t length = acro + 1 - i;
          if (length == 2) {
            offer(best, after + 1 - i, 1, slice(i, i + 1));
          } else {
            offer(best, after + 1 - i, length - 1, slice(i, acro + 1));
          }
        }
      }
    }
  }
  // ABBREV3 keeps its period only before a number: "no. 5", "ca. 1900".
  if (const size_t end = abbreviation_end(s_, i, kAbbrev3); end > i) {
    const size_t digit = is_space_or_newline(at(end)) ? end + 1 : end;
    if (is_digit(at(digit))) offer(best, digit + 1 - i, end - i, slice(i, end));
  }
  for (const char* company : {"pty.", "pte.", "co."}) {
    const size_t end = i + literal_length(company);
    if (literal_at(s_, i, company) && is_space(at(end)) &&
        (literal_at(s_, end + 1, "ltd") || literal_at(s_, end + 1, "lim"))) {
      offer(best, end + 4 - i, end - i, slice(i, end));
    }
  }
  // ABBREV1 keeps its period; before a sentence end (or at the end) the period is also a token.
  if (const size_t end = abbreviation_end(s_, i, kAbbrev1); end > i) {
    const size_t length = end - i;
    const bool sentence_end = is_space_or_newline(at(end)) &&
                              (is_space_or_newline(at(end + 1)) || is_upper(at(end + 1)));
    if (sentence_end) offer(best, length + 2, length - 1, slice(i, end));
    if (end + 1 < s_.size()) offer(best, length + 2, length, slice(i, end));
    offer(best, length, length - 1, slice(i, end));
  }
  // ABBREV2 (titles, single letters, dotted acronyms) keeps its period: "st.", "mr.", "u.s.".
  offer_span(best, i, abbreviation_end(s_, i, kAbbrev2));
  if (acro > i && at(acro) == '.') offer_span(best, i, acro + 1);
  // TBSPEC2: '90 before a space.
  if (is_apos(c) && is_ascii_digit(at(i + 1)) && is_ascii_digit(at(i + 2)) && is_space_or_newline(at(i + 3))) {
    offer(best, 4, 3, slice(i, i + 3));
  }
  if (const size_t end = filename_end(s_, i); end > i) offer(best, end - i, end - 1 - i, slice(i, end - 1));
  offer_with_period(best, i, word_end(s_, i));
}

void Lexer::punctuation(Match& best, size_t i) const {
  const char32_t c = at(i);
  const char32_t next = at(i + 1);
  // A double quote opens before a word or number, else it closes.
  if (c == '"') {
    if (is_ascii_alnum(next) || next == '$') offer(best, 2, 1, U"``");
    offer(best, 1, 1, U"''");
  }
  if (c == 0x7F) offer_skip(best, 1);
  if (c == '<') offer(best, 1, 1, U"<");
  if (c == '>') offer(best, 1, 1, U">");
  {  // SMILEY: [<>]?[:;=][-o*']?[()DPdpO\{@|[]] before a non-alphanumeric character
    size_t j = (c == '<' || c == '>') ? i + 1 : i;
    for (size_t start : {i, j}) {
      if (!(at(start) == ':' || at(start) == ';' || at(start) == '=')) continue;
      for (size_t nose : {start + 1, start + 2}) {
        if (nose == start + 2 && Text(U"-o*'").find(at(start + 1)) == Text::npos) continue;
        const char32_t mouth = at(nose);
        if (mouth == 0 || Text(U"()DPdpO\\{@|[]").find(mouth) == Text::npos) continue;
        if (nose + 1 >= s_.size() || is_ascii_alnum(at(nose + 1))) continue;
        Text face;
        for (char32_t ch : slice(i, nose + 1)) face += ch == '(' ? U"-LRB-" : ch == ')' ? U"-RRB-" : Text(1, ch);
        offer(best, nose + 2 - i, nose + 1 - i, face);
      }
    }
  }
  {  // ASIANSMILEY: ^_^ (^_^) (^^) (^-^), with parentheses escaped
    const Text eye = U"-^x=~<>'";
    const auto is_eye = [&](size_t j, const Text& set) { return j < s_.size() && set.find(s_[j]) != Text::npos; };
    size_t end = 0;
    if (is_eye(i, eye) && at(i + 1) == '_' && is_eye(i + 2, eye)) end = i + 3;
    if (c == '(' && is_eye(i + 1, eye)) {
      const size_t second = (at(i + 2) == '_' || at(i + 2) == '.') ? i + 3 : i + 2;
      if (is_eye(second, eye) && at(second + 1) == ')') end = std::max(end, second + 2);
      if (is_eye(i + 1, U"^x=~<>'") && at(i + 2) == '-' && is_eye(i + 3, U"^x=~<>'`") && at(i + 4) == ')') {
        end = std::max(end, i + 5);
      }
    }
    if (end) {
      Text face;
      for (char32_t ch : slice(i, end)) face += ch == '(' ? U"-LRB-" : ch == ')' ? U"-RRB-" : Text(1, ch);
      offer(best, end - i, end - i, face);
    }
  }
  switch (c) {  // brackets, in PTB's escaped spelling
    case '{': offer(best, 1, 1, U"-LCB-"); break;
    case '}': offer(best, 1, 1, U"-RCB-"); break;
    case '[': offer(best, 1, 1, U"-LSB-"); break;
    case ']': offer(best, 1, 1, U"-RSB-"); break;
    case '(': offer(best, 1, 1, U"-LRB-"); break;
    case ')': offer(best, 1, 1, U"-RRB-"); break;
    default: break;
  }
  const auto run_of = [&](char32_t ch) { size_t j = i; while (at(j) == ch) ++j; return j - i; };
  if (c == '-') {
    const size_t n = run_of('-');
    offer(best, n, n, n >= 3 && n <= 4 ? Text(U"--") : slice(i, i + n));
  }
  // LDOTS: "..." to "....." or ". . ." become "..."; so do U+0085 and U+2026.
  if (c == '.') {
    const size_t dots = run_of('.');
    if (dots >= 3) offer(best, dots > 5 ? 5 : dots, dots > 5 ? 5 : dots, U"...");
    size_t j = i, pairs = 0;
    while (pairs < 4 && at(j) == '.' && (at(j + 1) == ' ' || at(j + 1) == 0xA0)) j += 2, ++pairs;
    if (pairs >= 2 && at(j) == '.') offer(best, j + 1 - i, j + 1 - i, U"...");
  }
  if (c == 0x85 || c == 0x2026) offer(best, 1, 1, U"...");
  if (c == '@' || c == '#' || c == '_' || c == '*') offer_span(best, i, i + run_of(c));
  if (c == '\\' && next == '*') {
    size_t j = i;
    while (j < i + 6 && at(j) == '\\' && at(j + 1) == '*') j += 2;
    offer_span(best, i, j);
  }
  if (is_in_sentence_punct(c)) offer_span(best, i, i + 1);
  if (c == '?' || c == '!') {
    size_t j = i;
    while (at(j) == '?' || at(j) == '!') ++j;
    offer_span(best, i, j);
  }
  if (Text(U".\u00A1\u00BF\u037E\u0589\u061F\u06D4\u0700\u0701\u0702\u07FA\u3002=/").find(c) != Text::npos) {
    offer_span(best, i, i + 1);
  }
  const size_t hthing = hthing_end(s_, i);
  offer_with_period(best, i, hthing);
  offer_span(best, i, hthing);
  const size_t thing = thing_end(s_, i);
  offer_with_period(best, i, thing);
  offer_span(best, i, thing);
  {  // THINGA: AT&T, S&P
    size_t j = i;
    while (at(j) >= 'A' && at(j) <= 'Z') ++j;
    size_t end = i;
    while (j > i) {
      const size_t joiner = (at(j) == '+' || at(j) == '&') ? 1 : literal_at(s_, j, "&amp;") ? 5 : 0;
      size_t k = j + joiner;
      while (joiner && at(k) >= 'A' && at(k) <= 'Z') ++k;
      if (!joiner || k == j + joiner) break;
      end = j = k;
    }
    if (end > i) {
      Text token;
      for (size_t k = i; k < end; ++k) {
        token.push_back(s_[k]);
        if (literal_at(s_, k, "&amp;")) k += 4;  // normalizeAmpersandEntity
      }
      if (at(end) == '.' && is_in_sentence_punct(at(end + 1))) offer(best, end + 2 - i, end + 1 - i, token + U".");
      offer(best, end - i, end - i, token);
    }
  }
  // A single quote before a word opens a quotation: 'stop' -> ` stop '.
  if (c == '\'' && is_ascii_letter(next) && i + 2 < s_.size() &&
      Text(U" \t\n\r\u00A0").find(at(i + 2)) == Text::npos) {
    offer(best, 3, 1, U"`");
  }
  if (const size_t aux = redaux_length(s_, i)) offer(best, aux, aux, latex_quotes(slice(i, i + aux), false));
  if (const size_t aux = sredaux_length(s_, i)) offer(best, aux, aux, latex_quotes(slice(i, i + aux), false));
  if (is_apos(c)) offer(best, 1, 1, latex_quotes(slice(i, i + 1), false));
  if (c == '\'' && next == '\'') offer(best, 2, 2, U"''");
  if (is_quote_char(c)) {
    const size_t n = is_quote_char(next) ? 2 : 1;
    offer(best, n, n, latex_quotes(slice(i, i + n), false));
  }
  if ((c == '<' && next == '<') || (c == '>' && next == '>')) offer_span(best, i, i + 2);
  if (is_misc_symbol(c)) offer_span(best, i, i + 1);
  if (is_space(c) || c == 0 || c == 0x200B || c == 0x200E || c == 0x200F || c == 0xFEFF) offer_skip(best, 1);
  if (is_newline(c)) offer_skip(best, (c == '\r' && next == '\n') ? 2 : 1, /*line_break=*/true);
}

}  // namespace

std::vector<std::vector<std::string>> ptb_lex_lines(const std::string& text) {
  const Text s = decode_utf8(text);
  const Lexer lexer(s);
  std::vector<std::vector<std::string>> lines(1);
  for (size_t i = 0; i < s.size();) {
    const Match match = lexer.longest_at(i);
    if (match.line_break) {
      lines.emplace_back();
    } else if (match.emit) {
      lines.back().push_back(encode_utf8(match.token));
    }
    i += match.consumed;
  }
  return lines;
}

}  // namespace ofapt
