// Character classes of CoreNLP 3.4.1's PTBLexer.flex, by Unicode block ranges.
#include "metrics/ptb_chars.h"

namespace ofapt::ptb {
namespace {

bool in(char32_t c, char32_t lo, char32_t hi) { return c >= lo && c <= hi; }

}  // namespace

bool is_ascii_letter(char32_t c) { return in(c, 'A', 'Z') || in(c, 'a', 'z'); }
bool is_ascii_digit(char32_t c) { return in(c, '0', '9'); }
bool is_ascii_alnum(char32_t c) { return is_ascii_letter(c) || is_ascii_digit(c); }

bool is_letter(char32_t c) {
  if (c < 0x80) return is_ascii_letter(c);
  if (c < 0x100) return c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xC0 && c != 0xD7 && c != 0xF7);
  return in(c, 0x100, 0x2C1) || in(c, 0x2C6, 0x2D1) || in(c, 0x2E0, 0x2E4) || c == 0x2EC ||
         c == 0x2EE || in(c, 0x370, 0x374) || in(c, 0x376, 0x37D) || c == 0x386 ||
         (in(c, 0x388, 0x3FF) && c != 0x3F6) || in(c, 0x400, 0x481) || in(c, 0x48A, 0x52F) ||
         in(c, 0x531, 0x556) || in(c, 0x561, 0x587) || in(c, 0x5D0, 0x5F2) ||
         in(c, 0x620, 0x64A) || in(c, 0x671, 0x6D3) || in(c, 0x904, 0x939) ||
         in(c, 0xE01, 0xE30) || in(c, 0x1E00, 0x1FBC) || in(c, 0x3041, 0x3096) ||
         in(c, 0x30A1, 0x30FA) || in(c, 0x3400, 0x4DB5) || in(c, 0x4E00, 0x9FFF) ||
         in(c, 0xAC00, 0xD7A3) || in(c, 0xF900, 0xFAFF) || in(c, 0xFF21, 0xFF3A) ||
         in(c, 0xFF41, 0xFF5A) || in(c, 0xFF66, 0xFFDC);
}

bool is_word_letter(char32_t c) {
  return is_letter(c) || c == 0xAD || in(c, 0x237, 0x24F) || in(c, 0x300, 0x36F);
}

bool is_digit(char32_t c) {
  return is_ascii_digit(c) || in(c, 0x660, 0x669) || in(c, 0x6F0, 0x6F9) || in(c, 0x7C0, 0x7C9) ||
         in(c, 0x966, 0x96F) || in(c, 0xFF10, 0xFF19);
}

bool is_upper(char32_t c) {
  if (c < 0x100) return in(c, 'A', 'Z') || (in(c, 0xC0, 0xDE) && c != 0xD7);
  if (in(c, 0x100, 0x17F)) return (c % 2 == 0) != (in(c, 0x139, 0x148) || in(c, 0x179, 0x17E));
  return in(c, 0x391, 0x3AB) || in(c, 0x400, 0x42F);
}

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == 0xA0 || in(c, 0x2000, 0x200A) || c == 0x3000;
}

bool is_newline(char32_t c) {
  return c == '\r' || c == '\n' || c == 0x2028 || c == 0x2029 || c == 0x0B || c == 0x0C || c == 0x85;
}

bool is_space_or_newline(char32_t c) { return is_space(c) || is_newline(c); }

bool is_apos(char32_t c) { return c == '\'' || c == 0x92 || c == 0x2019; }

bool is_apos_etcetera(char32_t c) {
  return is_apos(c) || c == '`' || c == 0x91 || c == 0x2018 || c == 0x201B;
}

bool is_hyphen(char32_t c) { return c == '-' || c == '_' || c == 0x58A || c == 0x2010 || c == 0x2011; }

bool is_in_sentence_punct(char32_t c) { return c == ',' || c == ';' || c == ':' || c == 0x3001; }

bool is_misc_symbol(char32_t c) {
  switch (c) {
    case '+': case '%': case '&': case '~': case '^': case '|': case '\\':
    case 0xA6: case 0xA7: case 0xA8: case 0xA9: case 0xAC: case 0xAE: case 0xAF:
    case 0xD7: case 0xF7: case 0x387: case 0x1FBD: case 0x2016: case 0x2017: case 0x203B:
    case 0x2044: case 0x3012: case 0x30FB:
      return true;
    default:
      break;
  }
  return in(c, 0xB0, 0xBA) || in(c, 0x2020, 0x2023) || in(c, 0x2030, 0x2038) ||
         in(c, 0x203E, 0x2042) || in(c, 0x207A, 0x207F) || in(c, 0x208A, 0x208E) ||
         in(c, 0x2100, 0x214F) || in(c, 0x2190, 0x21FF) || in(c, 0x2200, 0x2BFF) ||
         in(c, 0xFF01, 0xFF0F) || in(c, 0xFF1A, 0xFF20) || in(c, 0xFF3B, 0xFF40) ||
         in(c, 0xFF5B, 0xFF65);
}

bool is_quote_char(char32_t c) {
  return c == '`' || in(c, 0x2018, 0x201F) || in(c, 0x91, 0x94) || c == 0x2039 || c == 0x203A ||
         c == 0xAB || c == 0xBB;
}

std::u32string latex_quotes(const std::u32string& token, bool probably_left) {
  std::u32string out;
  for (char32_t c : token) {
    if (c == '\'') {
      out += probably_left ? U"`" : U"'";
    } else if (c == '"') {
      out += probably_left ? U"``" : U"''";
    } else if (c == 0x91 || c == 0x2018 || c == 0x201B || c == 0x2039) {
      out += U"`";
    } else if (c == 0x92 || c == 0x2019 || c == 0x203A) {
      out += U"'";
    } else if (c == 0x93 || c == 0x201C || c == 0xAB) {
      out += U"``";
    } else if (c == 0x94 || c == 0x201D || c == 0xBB) {
      out += U"''";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::u32string to_lower(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (in(c, 'A', 'Z') || (in(c, 0xC0, 0xDE) && c != 0xD7)) {
      c += 0x20;
    } else if (c == 0x130) {  // dotted capital I lowercases to i + combining dot in Java
      out.push_back('i');
      c = 0x307;
    } else if (c == 0x178) {
      c = 0xFF;
    } else if (in(c, 0x100, 0x17F) && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17F) {
      const bool odd_upper = in(c, 0x139, 0x148) || in(c, 0x179, 0x17E);
      if ((c % 2 == 1) == odd_upper) c += 1;
    } else if (in(c, 0x391, 0x3AB) && c != 0x3A2) {
      c += 0x20;
    } else if (in(c, 0x410, 0x42F)) {
      c += 0x20;
    } else if (in(c, 0x400, 0x40F)) {
      c += 0x50;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace ofapt::ptb
