// Byte-level BPE on its own: the byte alphabet, merge order, the cache, and decode(encode(x)) == x.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "text/byte_level_bpe.h"
#include "text/unicode.h"
#include "text_corpus.h"
#include "text_test_support.h"
#include "util/file.h"

namespace ofapt::text {
namespace {

using Strings = std::vector<std::string>;

TEST(ByteLevelBpe, ByteAlphabetIsGpt2s) {
  EXPECT_EQ(ByteLevelBpe::bytes_to_token_string(" "), "Ġ");
  EXPECT_EQ(ByteLevelBpe::bytes_to_token_string("\n"), "Ċ");
  EXPECT_EQ(ByteLevelBpe::bytes_to_token_string("A~"), "A~");
  EXPECT_EQ(ByteLevelBpe::bytes_to_token_string(std::string(1, '\0')), "Ā");
  EXPECT_EQ(ByteLevelBpe::bytes_to_token_string("\xAD"), "Ń");  // soft hyphen, the last remapped byte
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  EXPECT_EQ(ByteLevelBpe::token_string_to_bytes(ByteLevelBpe::bytes_to_token_string(all)), all);
  EXPECT_FALSE(ByteLevelBpe::token_string_to_bytes("ń"));  // U+0144, one past the alphabet
  EXPECT_FALSE(ByteLevelBpe::token_string_to_bytes(" "));  // the space byte is spelled Ġ
}

TEST(ByteLevelBpe, AppliesMergesByRankEverywhereInAWord) {
  // "a a" outranks "aa a", so "aaa" -> [aa, a] and "aaaa" -> [aa, aa] -> [aaaa] via "aa aa".
  const ByteLevelBpe bpe({{"a", "a"}, {"aa", "aa"}, {"b", "c"}, {"a", "bc"}});
  EXPECT_EQ(bpe.tokenize("aaa"), (Strings{"aa", "a"}));
  EXPECT_EQ(bpe.tokenize("aaaa"), (Strings{"aaaa"}));
  EXPECT_EQ(bpe.tokenize("abc"), (Strings{"abc"}));
  EXPECT_EQ(bpe.tokenize("aa bc"), (Strings{"aa", "Ġ", "bc"}));  // no rule joins " " with "bc"
  // A rule may use a token that only a later rule produces.
  const ByteLevelBpe late({{"xy", "z"}, {"x", "y"}});
  EXPECT_EQ(late.tokenize("xyz"), (Strings{"xyz"}));
}

TEST(ByteLevelBpe, LoadsGpt2MergesAndCachesConsistently) {
  OFAPT_REQUIRE_GPT2_BPE();
  const ByteLevelBpe bpe = ByteLevelBpe::load(join_path(default_bpe_dir(), "vocab.bpe"));
  EXPECT_EQ(bpe.num_tokens(), 50256u);  // 256 bytes + 50000 merges (<|endoftext|> is no merge)
  EXPECT_EQ(bpe.tokenize(" what does the image describe?"),
            (Strings{"Ġwhat", "Ġdoes", "Ġthe", "Ġimage", "Ġdescribe", "?"}));
  EXPECT_EQ(bpe.tokenize(" what does the image describe?"), bpe.tokenize(" what does the image describe?"));
  // Several threads on one object share the cache and agree with one thread.
  const std::vector<std::string> lines = testing::varied_lines(400, 7);
  std::vector<std::vector<int32_t>> expected(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) bpe.encode(lines[i], expected[i]);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < lines.size(); ++i) {
        std::vector<int32_t> tokens;
        bpe.encode(lines[(i + 97 * t) % lines.size()], tokens);
        mismatches[t] += tokens != expected[(i + 97 * t) % lines.size()];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(ByteLevelBpe, TokensSpellTheInputBytes) {
  OFAPT_REQUIRE_GPT2_BPE();
  const ByteLevelBpe bpe = ByteLevelBpe::load(join_path(default_bpe_dir(), "vocab.bpe"));
  std::vector<std::string> lines = testing::varied_lines(2000, 11);
  lines.push_back("not UTF-8: \xFF\xFE \xC3 \xE2\x82 end");
  for (const std::string& line : lines) {
    std::vector<int32_t> tokens;
    bpe.encode(line, tokens);
    std::string bytes;
    for (int32_t token : tokens) bytes += bpe.token_bytes(token);
    EXPECT_EQ(bytes, line);
  }
}

TEST(ByteLevelBpe, SkipsTheVersionHeaderOnly) {
  testing::TempDir dir;
  write_file_atomic(dir.file("merges.txt"), "#version: 0.2\nĠ t\nĠt he\n\n");
  const ByteLevelBpe bpe = ByteLevelBpe::load(dir.file("merges.txt"));
  EXPECT_EQ(bpe.tokenize(" the"), (Strings{"Ġt", "h", "e"}));  // no "h e" rule, so "Ġt he" never fires
  write_file_atomic(dir.file("no_header.txt"), "h e\nĠt he\nĠ t\n");
  EXPECT_EQ(ByteLevelBpe::load(dir.file("no_header.txt")).tokenize(" the"), (Strings{"Ġthe"}));
}

}  // namespace
}  // namespace ofapt::text
