#include "text/normalize.h"

#include <cstring>
#include <vector>

#include "text/unicode.h"

namespace ofapt::text {
namespace {

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = text.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    out.append(text, pos, hit - pos);
    out.append(to);
  }
  out.append(text, pos, std::string::npos);
  text.swap(out);
}

// re.sub(r"\s{2,}", " ", text) with Python's re (str patterns: \s is str.isspace()).
std::string collapse_space_runs(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    size_t end = pos, count = 0;
    for (Utf8Char ch; end < text.size() && (ch = decode_utf8(text, end)).valid && is_python_space(ch.code_point);
         end += ch.length) {
      ++count;
    }
    if (count >= 2) {
      out += ' ';
      pos = end;
    } else if (count == 1) {
      out.append(text.substr(pos, end - pos));
      pos = end;
    } else {
      const size_t length = decode_utf8(text, pos).length;
      out.append(text.substr(pos, length));
      pos += length;
    }
  }
  return out;
}

// Shared body of pre_caption and pre_question.
std::string normalize(std::string_view input, int max_words, bool person_rule) {
  std::string text = to_lower(input);
  text.erase(0, text.find_first_not_of(",.!?*#:;~"));  // npos (all stripped) erases everything
  for (char& c : text) {
    if (c == '-' || c == '/') c = ' ';
  }
  if (person_rule) replace_all(text, "<person>", "person");
  text = collapse_space_runs(text);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string::npos) return "";
  text = text.substr(first, text.find_last_not_of(' ') + 1 - first);
  // Keep the first max_words of text.split(' '): cut at the max_words-th space.
  if (max_words < 0) return text;
  size_t cut = 0;
  for (int spaces = 0; spaces < max_words; ++spaces) {
    cut = text.find(' ', spaces == 0 ? 0 : cut + 1);
    if (cut == std::string::npos) return text;
  }
  text.resize(cut);
  return text;
}

}  // namespace

std::string pre_caption(std::string_view caption, int max_words) { return normalize(caption, max_words, true); }

std::string pre_question(std::string_view question, int max_words) { return normalize(question, max_words, false); }

std::string remove_punctuation(std::string_view text) {
  static const char kPunctuation[] = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
  std::string kept;
  kept.reserve(text.size());
  for (char c : text) {
    if (c == '\0' || !std::strchr(kPunctuation, c)) kept += c;
  }
  return std::string(strip_python_space(kept));
}

std::string join_words(std::string_view text, int max_words) {
  std::string out;
  int words = 0;
  for (size_t pos = 0; pos < text.size() && (max_words < 0 || words < max_words);) {
    // Skip whitespace, then take one word.
    Utf8Char ch = decode_utf8(text, pos);
    if (ch.valid && is_python_space(ch.code_point)) {
      pos += ch.length;
      continue;
    }
    size_t end = pos;
    while (end < text.size() && !((ch = decode_utf8(text, end)).valid && is_python_space(ch.code_point))) {
      end += ch.length;
    }
    if (words++ > 0) out += ' ';
    out.append(text.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

}  // namespace ofapt::text
