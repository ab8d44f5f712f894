#include "text_corpus.h"

#include <random>

#include "text/unicode.h"

namespace ofapt::testing {
namespace {

const char* const kEdgeCases[] = {
    "",
    " ",
    "  ",
    "\t",
    "\n",
    "a",
    "'s",
    " 's",
    "'",
    "''",
    "Hello world",
    "hello  world",
    "hello \tworld",
    "trailing  ",
    "  leading",
    "don't I'm they'll we've she'd you're it's",
    "DON'T 'S 'Re",
    "x\u00A0\u00A0y",
    "tab\t\tsep",
    "line\nbreak\r\nwin",
    "1,000,000.50",
    "3.14159",
    "\u00BD \u00B2 \u2167 \u0663\u0664",
    ",,,",
    ",,\"",
    ",'",
    "\",\"",
    "!!!???...",
    "--",
    "\u2014\u2014",
    "e\u0301",
    "\u0301\u0301a",
    "\U0001F468\u200D\U0001F469\u200D\U0001F467",
    "\U0001F1EF\U0001F1F5",
    "\u2764\uFE0F",
    "\u65E5\u672C\u8A9E\u306E\u30C6\u30AD\u30B9\u30C8",
    "\uD55C\uAD6D\uC5B4 \uBB38\uC7A5",
    "<bin_12> <code_5> <mask>",
    "https://example.com/a?b=c&d=e#f",
    "x_y = f(z);",
    "<|endoftext|>",
};

const char* const kFragments[] = {
    "the",
    "The",
    "a",
    "man",
    "riding",
    "horse",
    "on",
    "beach",
    "What",
    "is",
    "color",
    "of",
    "shirt",
    "two",
    "dogs",
    "playing",
    "frisbee",
    "GPT",
    "tokenizer",
    "don't",
    "I'm",
    "they'll",
    "we've",
    "she'd",
    "you're",
    "it's",
    "O'Neil",
    "rock'n'roll",
    "'quoted'",
    "2023",
    "3.14",
    "1,000",
    "42nd",
    "0x1F",
    "٣٤٥",
    "½",
    "²",
    "Ⅻ",
    "café",
    "naïve",
    "Zürich",
    "São",
    "Paulo",
    "ångström",
    "Ελληνικά",
    "русский",
    "čeština",
    "Ærøskøbing",
    "straße",
    "e\u0301te\u0301",
    "a\u0308\u0301",
    "\u0301",
    "Z\u0324\u0308",
    "日本語",
    "のテキスト",
    "中文分词",
    "한국어",
    "ｆｕｌｌ",
    "😀",
    "👍🏽",
    "🇯🇵",
    "❤️",
    "🎉🎉",
    "...",
    "?!?!",
    "--",
    "—",
    "“quoted”",
    "(paren)",
    "[x]",
    "{}",
    "#tag",
    "@user",
    "$5.00",
    "100%",
    ",,,",
    ",'",
    "\",\"",
    "*",
    "~~",
    "<bin_7>",
    "&&",
    "|!+",
    "\\n",
    "ÿ",
    "\u00A0",
    "\u3000",
    "\u2003",
    "\u200B",
    "\u00AD",
    "x\u200Dy",
    "עברית",
    "العربية",
    "हिन्दी",
    "ไทย",
};

const char* const kSeparators[] = {"",   " ",    " ",    " ",      " ",      "  ", "   ", "\t", "\t\t", " \t ",
                                   "\n", "\r\n", " \n ", "\u00A0", "\u3000", ",",  ", ",  ".",  "-",    "'"};

// Blocks from long-stable parts of Unicode, so the expectations do not move with Node's ICU.
const char32_t kBlocks[][2] = {
    {0x20, 0x7E},     {0xA0, 0xFF},       {0x100, 0x17F},     {0x300, 0x36F},     {0x370, 0x3FF},     {0x400, 0x4FF},
    {0x590, 0x5FF},   {0x600, 0x6FF},     {0x900, 0x97F},     {0xE00, 0xE7F},     {0x2000, 0x206F},   {0x2100, 0x214F},
    {0x2190, 0x22FF}, {0x2460, 0x24FF},   {0x2500, 0x257F},   {0x3000, 0x30FF},   {0x4E00, 0x9FA5},   {0xAC00, 0xD7A3},
    {0xFF00, 0xFFEF}, {0x1D400, 0x1D7FF}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2A6D6},
};

}  // namespace

std::vector<std::string> varied_lines(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
  std::vector<std::string> lines(std::begin(kEdgeCases), std::end(kEdgeCases));
  while (lines.size() < count) {
    std::string line;
    if (pick(5) == 0) {
      // Random code points: exercises the Unicode tables rather than the merges.
      for (size_t n = 1 + pick(24); n > 0; --n) {
        const auto& block = kBlocks[pick(std::size(kBlocks))];
        char32_t c = block[0] + static_cast<char32_t>(pick(block[1] - block[0] + 1));
        if (c == 0x85 || c == 0xFEFF) c = ' ';
        text::append_utf8(c, line);
        if (pick(4) == 0) line += kSeparators[pick(std::size(kSeparators))];
      }
    } else {
      for (size_t n = 1 + pick(14); n > 0; --n) {
        line += kFragments[pick(std::size(kFragments))];
        line += kSeparators[pick(std::size(kSeparators))];
      }
    }
    lines.push_back(std::move(line));
  }
  lines.resize(count);
  return lines;
}

}  // namespace ofapt::testing
