// Web-text patterns of CoreNLP 3.4.1's PTBLexer.flex: likely URLs, e-mail addresses, SGML tags.
#include <algorithm>

#include "metrics/ptb_chars.h"
#include "metrics/ptb_patterns.h"

namespace ofapt::ptb {

// LIKELYURL: "www." plus dotted parts and a 2-4 letter ending, or lowercase dotted parts ending
// in com/net/org/edu; either with an optional "/path" not ending in punctuation.
size_t likely_url_end(const Text& s, size_t i) {
  const auto excluded = [&](size_t j, const char32_t* set) {
    return j >= s.size() || Text(set).find(s[j]) != Text::npos;
  };
  const char32_t* kPartStop = U" \t\n\f\r\"<>|.!?(){},";
  size_t host = i;
  if (literal_at(s, i, "www.")) {
    for (size_t j = i + 4;;) {  // (part .)+ [a-zA-Z]{2,4}
      size_t part = j;
      while (!excluded(part, kPartStop)) ++part;
      if (part == j || char_at(s, part) != '.') break;
      j = part + 1;
      size_t letters = j;
      while (is_ascii_letter(char_at(s, letters)) && letters < j + 4) ++letters;
      if (letters >= j + 2) host = std::max(host, letters);
    }
  }
  // Parts here also exclude ` ' $ and the whole range ",-_" (digits, capitals, most ASCII punctuation).
  const auto plain = [&](size_t j) {
    return !excluded(j, kPartStop) && s[j] != '`' && s[j] != '\'' && s[j] != '$' && !(s[j] >= ',' && s[j] <= '_');
  };
  for (size_t j = i;;) {  // (part .)+ (com|net|org|edu)
    size_t part = j;
    while (plain(part)) ++part;
    if (part == j || char_at(s, part) != '.') break;
    j = part + 1;
    for (const char* tld : {"com", "net", "org", "edu"}) {
      if (literal_at(s, j, tld)) host = std::max(host, j + 3);
    }
  }
  if (host == i || char_at(s, host) != '/') return host;
  size_t end = host;
  for (size_t j = host + 1; !excluded(j, U" \t\n\f\r\"<>|()"); ++j) {
    if (j > host + 1 && !excluded(j, U".!?(){},-")) end = j + 1;
  }
  return end;
}

// EMAIL: an alphanumeric start (after an optional "<"), anything up to an "@", then dot-separated
// non-empty parts, all without whitespace, quotes or brackets: "a@b.com," keeps its comma.
size_t email_end(const Text& s, size_t i) {
  const size_t local = char_at(s, i) == '<' ? i + 1 : i;
  if (!is_ascii_alnum(char_at(s, local))) return i;
  const auto email_char = [&](size_t j) {
    return j < s.size() && Text(U" \t\n\f\r\"<>|(){}\u00A0").find(s[j]) == Text::npos;
  };
  size_t end = 0;
  for (size_t a = local + 1; email_char(a); ++a) {
    if (s[a] != '@') continue;
    for (size_t j = a + 1;;) {
      size_t part = j;
      while (email_char(part) && s[part] != '.') ++part;
      if (part == j) break;
      end = std::max(end, part);
      if (char_at(s, part) != '.') break;
      j = part + 1;
    }
  }
  if (end == 0) return i;
  return char_at(s, end) == '>' ? end + 1 : end;
}

// SGML: <!...>, <?...>, <name attr="value" ...>, </name>, with optional spaces before ">".
size_t sgml_end(const Text& s, size_t i) {
  if (char_at(s, i) != '<') return i;
  const auto name_end = [&](size_t j) {
    if (!is_ascii_letter(char_at(s, j))) return j;
    ++j;
    while (is_ascii_alnum(char_at(s, j)) || char_at(s, j) == '_' || char_at(s, j) == ':' || char_at(s, j) == '.' ||
           char_at(s, j) == '-')
      ++j;
    return j;
  };
  const auto spacesend = [&](size_t j) {
    while (char_at(s, j) == ' ') ++j;
    return j;
  };
  size_t j = i + 1;
  if ((char_at(s, j) == '!' || char_at(s, j) == '?') &&
      (is_ascii_letter(char_at(s, j + 1)) || char_at(s, j + 1) == '-')) {
    j += 2;
    while (j < s.size() && s[j] != '>' && s[j] != '\r' && s[j] != '\n') ++j;
  } else if (char_at(s, j) == '/') {
    if (name_end(j + 1) == j + 1) return i;
    j = name_end(j + 1);
  } else {
    if (name_end(j) == j) return i;
    j = name_end(j);
    for (;;) {  // attributes: ( +name( *= *('...'|"..."))?)*
      const size_t space = spacesend(j);
      const size_t name = name_end(space);
      if (space == j || name == space) break;
      j = name;
      const size_t eq = spacesend(name);
      if (char_at(s, eq) != '=') continue;
      const size_t quote = spacesend(eq + 1);
      if (char_at(s, quote) != '\'' && char_at(s, quote) != '"') continue;
      const size_t close = s.find(s[quote], quote + 1);
      if (close == Text::npos) continue;
      j = close + 1;
    }
    j = spacesend(j);
    if (char_at(s, j) == '/') ++j;
  }
  j = spacesend(j);
  return char_at(s, j) == '>' ? j + 1 : i;
}

}  // namespace ofapt::ptb
