// Token patterns of CoreNLP 3.4.1's PTBLexer.flex as hand-written longest-match scanners.
#include "metrics/ptb_patterns.h"

#include <vector>

#include "metrics/ptb_chars.h"

namespace ofapt::ptb {
namespace {

bool has(const Text& s, size_t i) { return i < s.size(); }
size_t run(const Text& s, size_t i, bool (*pred)(char32_t)) {
  while (i < s.size() && pred(s[i])) ++i;
  return i;
}
bool is_letter_or_digit(char32_t c) { return is_letter(c) || is_digit(c); }
bool is_word_char(char32_t c) { return is_word_letter(c) || is_digit(c); }

}  // namespace

bool literal_at(const Text& s, size_t i, const char* literal) {
  for (; *literal; ++literal, ++i) {
    if (i >= s.size()) return false;
    const char32_t want = static_cast<unsigned char>(*literal);
    const char32_t got = s[i];
    if (want >= 'a' && want <= 'z') {
      if (got != want && got != want - 32) return false;
    } else if (got != want) {
      return false;
    }
  }
  return true;
}

size_t literal_length(const char* literal) {
  size_t n = 0;
  while (literal[n]) ++n;
  return n;
}

// Abbreviation lists of PTBLexer.flex (ABBREV1, ABBREV2 and ABBREV3), without their final period.
const std::vector<const char*> kAbbrev1 = {
    "jan",  "feb",     "mar",  "apr",  "jun",  "jul",   "aug",  "sep",  "sept",  "oct",   "nov",  "dec",
    "mon",  "tue",     "tues", "wed",  "thu",  "thurs", "fri",  "ala",  "ariz",  "Az",    "Ark",  "calif",
    "colo", "conn",    "ct",   "dak",  "Del",  "fla",   "ga",   "Ill",  "ind",   "kan",   "kans", "ky",
    "La",   "Mass",    "md",   "mich", "minn", "Miss",  "mo",   "mont", "neb",   "nev",   "okla", "Ore",
    "Pa",   "penn",    "tenn", "Tex",  "va",   "vt",    "Wash", "wis",  "wisc",  "wyo",   "inc",  "co",
    "cos",  "corp",    "pty",  "pte",  "ptys", "ptes",  "ppty", "ppte", "pptys", "pptes", "ltd",  "plc",
    "rt",   "bancorp", "bhd",  "assn", "univ", "intl",  "sys",  "tel",  "est",   "ext",   "sq",   "jr",
    "sr",   "bros",    "ed.d", "ph.d", "blvd", "rd",    "esq",  "etc",  "al",    "seq",   "bldg"};
const std::vector<const char*> kAbbrev2 = {
    "mr",  "mrs", "ms",    "Miss",   "dr",    "drs",  "prof", "profs", "sen",  "sens", "rep",  "reps",  "atty", "attys",
    "lt",  "col", "gen",   "messrs", "gov",   "govs", "adm",  "rev",   "maj",  "sgt",  "cpl",  "pvt",   "capt", "st",
    "ste", "ave", "pres",  "lieut",  "hon",   "brig", "cmdr", "comdr", "pfc",  "spc",  "supt", "supts", "det",  "mt",
    "ft",  "adj", "adv",   "asst",   "assoc", "ens",  "insp", "mlle",  "mme",  "msgr", "sfc",  "vs",    "alex", "wm",
    "jos", "cie", "a.k.a", "cf",     "treas", "ph",   "invt", "elec",  "natl", "mfg",  "mtg",  "dept"};
const std::vector<const char*> kAbbrev3 = {"ca", "fig", "figs", "prop", "no", "nos", "art", "bldg", "pp", "op"};
// Capitalized words after which "X." ends a sentence (the ACRONYM rule).
const std::vector<const char*> kSentenceStarters = {
    "About", "According", "Additionally", "After", "An",    "A",    "As",    "At",   "But",  "Earlier", "He",    "Her",
    "Here",  "However",   "If",           "In",    "It",    "Last", "Many",  "More", "Mr.",  "Ms.",     "Now",   "Once",
    "One",   "Other",     "Our",          "She",   "Since", "So",   "Some",  "Such", "That", "The",     "Their", "Then",
    "There", "These",     "They",         "This",  "We",    "When", "While", "What", "Yet",  "You"};
static const std::vector<const char*> kFileExtensions = {
    "bat", "bmp", "c",    "class", "cgi",  "cpp",  "dll", "doc", "docx", "exe", "gif", "gz",
    "h",   "htm", "html", "jar",   "java", "jpeg", "jpg", "mov", "mp3",  "pdf", "php", "pl",
    "png", "ppt", "ps",   "py",    "sql",  "tar",  "txt", "wav", "x",    "xml", "zip"};

// End of WORD = LETTER (LETTER|DIGIT)* ([.!?] LETTER (LETTER|DIGIT)*)* from i, or i.
size_t word_end(const Text& s, size_t i) {
  if (!has(s, i) || !is_word_letter(s[i])) return i;
  size_t j = run(s, i + 1, is_word_char);
  while ((char_at(s, j) == '.' || char_at(s, j) == '!' || char_at(s, j) == '?') && is_word_letter(char_at(s, j + 1))) {
    j = run(s, j + 2, is_word_char);
  }
  return j;
}
// Length of REDAUX = APOS (m|s|d|re|ve|ll) at i, or 0.
size_t redaux_length(const Text& s, size_t i) {
  if (!is_apos(char_at(s, i))) return 0;
  for (const char* tail : {"re", "ve", "ll"}) {
    if (literal_at(s, i + 1, tail)) return 3;
  }
  for (const char* tail : {"m", "s", "d"}) {
    if (literal_at(s, i + 1, tail)) return 2;
  }
  return 0;
}
// Length of SREDAUX = n APOSETCETERA t at i, or 0.
size_t sredaux_length(const Text& s, size_t i) {
  return literal_at(s, i, "n") && is_apos_etcetera(char_at(s, i + 1)) && literal_at(s, i + 2, "t") ? 3 : 0;
}
// End of "<abbreviation>." at i for the first listed abbreviation that fits, or i.
size_t abbreviation_end(const Text& s, size_t i, const std::vector<const char*>& list) {
  for (const char* word : list) {
    const size_t end = i + literal_length(word);
    if (literal_at(s, i, word) && char_at(s, end) == '.') return end + 1;
  }
  return i;
}
// End of ACRO = [A-Za-z](\.[A-Za-z])* at i, or i.
size_t acro_end(const Text& s, size_t i) {
  if (!is_ascii_letter(char_at(s, i))) return i;
  size_t j = i + 1;
  while (char_at(s, j) == '.' && is_ascii_letter(char_at(s, j + 1))) j += 2;
  return j;
}

// HTHING = [A-Za-z0-9][A-Za-z0-9.,]* (-([A-Za-z0-9]+ | ACRO2 \.))+ : ASCII words joined by hyphens.
size_t hthing_end(const Text& s, size_t i) {
  if (!is_ascii_alnum(char_at(s, i))) return i;
  size_t j = i + 1;
  while (is_ascii_alnum(char_at(s, j)) || char_at(s, j) == '.' || char_at(s, j) == ',') ++j;
  size_t end = i;
  while (char_at(s, j) == '-') {
    const size_t alnum = run(s, j + 1, is_ascii_alnum);
    size_t acro = j + 1;  // ACRO2 "." : two or more dotted letters and a period ("-p.m.")
    for (size_t a = j + 2;
         char_at(s, a) == '.' && is_ascii_letter(char_at(s, a + 1)) && is_ascii_letter(char_at(s, j + 1)); a += 2) {
      if (char_at(s, a + 2) == '.') acro = a + 3;
    }
    const size_t next = alnum > acro ? alnum : acro;
    if (next == j + 1) break;
    end = j = next;
  }
  return end;
}

// THING = segment (HYPHEN segment)*, segment = ([dDoOlL] APOSETCETERA X)? X+, X = letter or digit.
size_t thing_end(const Text& s, size_t i) {
  const auto segment_end = [&](size_t j) -> size_t {
    const char32_t c = char_at(s, j);
    const bool prefix = (c == 'd' || c == 'D' || c == 'o' || c == 'O' || c == 'l' || c == 'L') &&
                        is_apos_etcetera(char_at(s, j + 1)) && is_letter_or_digit(char_at(s, j + 2)) &&
                        is_letter_or_digit(char_at(s, j + 3));
    return prefix ? run(s, j + 3, is_letter_or_digit) : run(s, j, is_letter_or_digit);
  };
  size_t end = segment_end(i);
  if (end == i) return i;
  while (is_hyphen(char_at(s, end))) {
    const size_t next = segment_end(end + 1);
    if (next == end + 1) break;
    end = next;
  }
  return end;
}

// THING3 = part (\\?/ part){1,2}, part = [A-Za-z0-9]+ (-[A-Za-z]+){0,2}: "and/or", "black/white".
size_t thing3_end(const Text& s, size_t i) {
  const auto part_ends = [&](size_t j) {
    std::vector<size_t> ends;
    size_t e = run(s, j, is_ascii_alnum);
    if (e == j) return ends;
    ends.push_back(e);
    for (int k = 0; k < 2 && char_at(s, e) == '-'; ++k) {
      const size_t next = run(s, e + 1, is_ascii_letter);
      if (next == e + 1) break;
      ends.push_back(e = next);
    }
    return ends;
  };
  size_t best = i;
  for (size_t first : part_ends(i)) {
    std::vector<size_t> frontier = {first};
    for (int slashes = 0; slashes < 2; ++slashes) {
      std::vector<size_t> next_frontier;
      for (size_t e : frontier) {
        const size_t after = char_at(s, e) == '/'                                  ? e + 1
                             : (char_at(s, e) == '\\' && char_at(s, e + 1) == '/') ? e + 2
                                                                                   : 0;
        if (after == 0) continue;
        for (size_t end : part_ends(after)) {
          if (end > best) best = end;
          next_frontier.push_back(end);
        }
      }
      frontier = std::move(next_frontier);
    }
  }
  return best;
}

// NUMBER = [-+]? (DIGIT+ | DIGIT* ([.:,] DIGIT+)+): "1,000", "3.5", "10:30", "-2".
size_t number_end(const Text& s, size_t i) {
  size_t j = (char_at(s, i) == '-' || char_at(s, i) == '+') ? i + 1 : i;
  const size_t digits = run(s, j, is_digit);
  size_t end = digits > j ? digits : i;
  j = digits;
  for (;;) {
    const char32_t c = char_at(s, j);
    if (!(c == '.' || c == ':' || c == ',' || c == 0xAD || c == 0x66B || c == 0x66C)) break;
    const size_t more = run(s, j + 1, is_digit);
    if (more == j + 1) break;
    end = j = more;
  }
  return end;
}

// FRAC = (DIGIT{1,4} [- NBSP])? DIGIT{1,4} \\?(/|U+2044) DIGIT{1,4}: "1/2", "2 1/2".
size_t fraction_end(const Text& s, size_t i) {
  const auto core_end = [&](size_t j) -> size_t {
    const size_t numerator = run(s, j, is_digit);
    if (numerator == j || numerator - j > 4) return 0;
    size_t k = char_at(s, numerator) == '\\' ? numerator + 1 : numerator;
    if (char_at(s, k) != '/' && char_at(s, k) != 0x2044) return 0;
    const size_t denominator = run(s, k + 1, is_digit);
    if (denominator == k + 1) return 0;
    return denominator - (k + 1) > 4 ? k + 5 : denominator;
  };
  size_t best = core_end(i);
  const size_t whole = run(s, i, is_digit);
  if (whole > i && whole - i <= 4 &&
      (char_at(s, whole) == '-' || char_at(s, whole) == ' ' || char_at(s, whole) == 0xA0)) {
    const size_t with_whole = core_end(whole + 1);
    if (with_whole > best) best = with_whole;
  }
  return best ? best : i;
}

// APOWORD: words with an inner or edge apostrophe that stay whole ('n', o'clock-like names, 'til).
size_t apostrophe_word_end(const Text& s, size_t i) {
  size_t best = i;
  const auto offer = [&](size_t end) { best = end > best ? end : best; };
  const char32_t c = char_at(s, i);
  if (is_apos(c) && literal_at(s, i + 1, "n")) offer(is_apos(char_at(s, i + 2)) ? i + 3 : i + 2);
  if ((c == 'l' || c == 'L' || c == 'd' || c == 'D' || c == 'j' || c == 'J') && is_apos(char_at(s, i + 1)))
    offer(i + 2);
  for (const char* stem : {"dunkin", "somethin", "ol"}) {
    const size_t e = i + literal_length(stem);
    if (literal_at(s, i, stem) && is_apos(char_at(s, e))) offer(e + 1);
  }
  if (is_apos(c) && literal_at(s, i + 1, "em")) offer(i + 3);
  if (((c >= 'A' && c <= 'H') || (c >= 'J' && c <= 'X') || c == 'Z' || c == 'n') &&
      is_apos_etcetera(char_at(s, i + 1))) {
    const size_t e = run(s, i + 2, is_letter);
    if (e >= i + 4) offer(e);
  }
  if (is_apos(c) && char_at(s, i + 1) >= '2' && char_at(s, i + 1) <= '9' && char_at(s, i + 2) == '0' &&
      literal_at(s, i + 3, "s"))
    offer(i + 4);
  if (is_apos(c) && literal_at(s, i + 1, "til")) offer(literal_at(s, i + 4, "l") ? i + 5 : i + 4);
  const size_t letters = run(s, i, is_letter);
  if (letters >= i + 2 && is_apos_etcetera(char_at(s, letters))) {
    const char32_t vowel = s[letters - 1];
    const char32_t next = char_at(s, letters + 1);
    const bool vowel_ok = vowel < 0x80 && std::u32string(U"aeiouyAEIOUY").find(vowel) != Text::npos;
    const bool next_ok = (next >= 'A' && next <= 'Z') || (next < 0x80 && Text(U"aeiou").find(next) != Text::npos);
    if (vowel_ok && next_ok) offer(run(s, letters + 2, is_letter));
  }
  if (is_apos(c) && literal_at(s, i + 1, "cause")) offer(i + 6);
  if (literal_at(s, i, "cont'd")) offer(char_at(s, i + 6) == '.' ? i + 7 : i + 6);
  for (const char* word : {"'twas", "nor'easter", "c'mon", "e'er", "s'mores", "ev'ry", "li'l", "nat'l"}) {
    if (literal_at(s, i, word)) offer(i + literal_length(word));
  }
  if (literal_at(s, i, "o") && is_apos_etcetera(char_at(s, i + 1)) && literal_at(s, i + 2, "o")) offer(i + 3);
  return best;
}

// FILENAME/(SPACENL|[.?!,]): dotted alphanumeric parts ending in a known file extension.
size_t filename_end(const Text& s, size_t i) {
  size_t best = i;
  size_t j = run(s, i, is_letter_or_digit);
  if (j == i) return i;
  while (char_at(s, j) == '.') {
    const size_t e = run(s, j + 1, is_letter_or_digit);
    if (e == j + 1) break;
    const Text part = s.substr(j + 1, e - (j + 1));
    for (const char* ext : kFileExtensions) {
      const char32_t after = char_at(s, e);
      if (part.size() == literal_length(ext) && literal_at(s, j + 1, ext) && has(s, e) &&
          (is_space_or_newline(after) || after == '.' || after == '?' || after == '!' || after == ',')) {
        best = e + 1;
      }
    }
    j = e;
  }
  return best;
}

}  // namespace ofapt::ptb
