// OfaTokenizer: model ids, round trips, symbols in text, and how load_tokenizer picks its files.
#include <gtest/gtest.h>

#include <fstream>

#include "text/ofa_tokenizer.h"
#include "text_corpus.h"
#include "text_test_support.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::text {
namespace {

using Ids = std::vector<int64_t>;

// A tiny Hugging Face model directory: merges that build " the" and " world", and its vocab.json.
void write_hf_model(const testing::TempDir& dir) {
  write_file_atomic(dir.file("merges.txt"), "#version: 0.2\nĠ t\nh e\nĠt he\nw o\nr l\nwo rl\nworl d\nĠ world\n");
  write_file_atomic(dir.file("vocab.json"),
                    R"({"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "Ġthe": 4, "Ġworld": 5, ".": 6, "<mask>": 7})");
}

TEST(OfaTokenizer, IdentityIdsAreGpt2IdsPlusFour) {
  OFAPT_REQUIRE_GPT2_BPE();
  const OfaTokenizer& tokenizer = testing::default_tokenizer();
  EXPECT_EQ(tokenizer.size(), 59457);
  EXPECT_EQ(tokenizer.encode("Hello world"), (Ids{15496 + 4, 995 + 4}));
  EXPECT_EQ(tokenizer.bin_id(0), 58457);
  EXPECT_EQ(tokenizer.code_id(0), 50265);
  EXPECT_TRUE(tokenizer.encode("").empty());
}

TEST(OfaTokenizer, DecodeInvertsEncode) {
  OFAPT_REQUIRE_GPT2_BPE();
  const OfaTokenizer& tokenizer = testing::default_tokenizer();
  for (const std::string& line : testing::varied_lines(3000, 3)) {
    EXPECT_EQ(tokenizer.decode(tokenizer.encode(line)), line);
    EXPECT_EQ(tokenizer.decode_gpt2(tokenizer.encode_gpt2(line)), line);
  }
  // Bytes that are not UTF-8 survive encoding and come back as U+FFFD, as Python's errors="replace".
  EXPECT_EQ(tokenizer.decode(tokenizer.encode("a\xFF b")), "a\xEF\xBF\xBD b");
}

TEST(OfaTokenizer, DecodeSkipsControlTokensAndSpellsSymbols) {
  OFAPT_REQUIRE_GPT2_BPE();
  const OfaTokenizer& tokenizer = testing::default_tokenizer();
  Ids ids = {OfaVocabulary::kBos};
  for (int64_t id : tokenizer.encode(" a cat")) ids.push_back(id);
  ids.insert(ids.end(), {tokenizer.bin_id(7), tokenizer.code_id(3), tokenizer.vocabulary().mask_id(),
                         OfaVocabulary::kUnk, OfaVocabulary::kEos, OfaVocabulary::kPad});
  EXPECT_EQ(tokenizer.decode(ids), " a cat<bin_7><code_3><mask><unk>");
  EXPECT_THROW(tokenizer.decode({59457}), Error);
  EXPECT_THROW(tokenizer.decode({-1}), Error);
}

TEST(OfaTokenizer, EncodesSymbolsWrittenInText) {
  OFAPT_REQUIRE_GPT2_BPE();
  const OfaTokenizer& tokenizer = testing::default_tokenizer();
  auto bin = [&](int i) { return tokenizer.bin_id(i); };
  // fairseq's use_bpe=False box target.
  EXPECT_EQ(tokenizer.encode_with_symbols("<bin_1> <bin_2> <bin_3> <bin_4>"), (Ids{bin(1), bin(2), bin(3), bin(4)}));
  // Text around bins loses the whitespace next to them.
  Ids expected = tokenizer.encode(" region:");
  expected.push_back(bin(5));
  for (int64_t id : tokenizer.encode("is it")) expected.push_back(id);
  EXPECT_EQ(tokenizer.encode_with_symbols(" region: <bin_5> is it"), expected);
  // <mask> takes the space before it only; <s> takes none; unknown "<...>" stays text.
  expected = tokenizer.encode("a");
  expected.push_back(tokenizer.vocabulary().mask_id());
  for (int64_t id : tokenizer.encode(" b")) expected.push_back(id);
  EXPECT_EQ(tokenizer.encode_with_symbols("a <mask> b"), expected);
  expected = tokenizer.encode("x ");
  expected.push_back(OfaVocabulary::kBos);
  EXPECT_EQ(tokenizer.encode_with_symbols("x <s>"), expected);
  EXPECT_EQ(tokenizer.encode_with_symbols("<bin_1000> <foo>"), tokenizer.encode("<bin_1000> <foo>"));
  EXPECT_EQ(tokenizer.encode_with_symbols("<<bin_9>"), (Ids{tokenizer.encode("<")[0], bin(9)}));
}

// Where JavaScript's \s and the Python reference (regex module) disagree, ofapt follows Python.
TEST(OfaTokenizer, FollowsPythonWhereJavaScriptDiffers) {
  OFAPT_REQUIRE_GPT2_BPE();
  const OfaTokenizer& tokenizer = testing::default_tokenizer();
  EXPECT_EQ(tokenizer.encode_gpt2("a \u0085b"), (Ids{64, 220, 126, 227, 65}));    // npm: 64 1587 227 65
  EXPECT_EQ(tokenizer.encode_gpt2("a \uFEFFb"), (Ids{64, 27332, 119, 123, 65}));  // npm: 64 220 171 119 123 65
}

TEST(LoadTokenizer, PicksHuggingFaceFiles) {
  testing::TempDir dir;
  write_hf_model(dir);
  const OfaTokenizer tokenizer = load_tokenizer(dir.path());
  EXPECT_EQ(tokenizer.encode(" the world."), (Ids{4, 5, 6}));
  EXPECT_EQ(tokenizer.encode(" hello"), (Ids(5, OfaVocabulary::kUnk)));  // Ġ he l l o: not in vocab.json
  EXPECT_EQ(tokenizer.decode({0, 4, 5, 6, 7, 2}), " the world.<mask>");
  EXPECT_EQ(tokenizer.code_id(0), 8);
}

TEST(LoadTokenizer, ReadsAddedTokensJson) {
  testing::TempDir dir;
  write_hf_model(dir);
  write_file_atomic(dir.file("added_tokens.json"), R"({"<code_0>": 8, "<code_1>": 9, "<mask>": 12})");
  const OfaTokenizer tokenizer = load_tokenizer(dir.path());
  EXPECT_EQ(tokenizer.code_id(1), 9);
  EXPECT_EQ(tokenizer.code_id(2), 10);             // appended after the largest id
  EXPECT_EQ(tokenizer.vocabulary().mask_id(), 7);  // vocab.json wins, as in Hugging Face
}

TEST(LoadTokenizer, UsesDictTxtBesideTheModelWithDefaultBpeFiles) {
  OFAPT_REQUIRE_GPT2_BPE();
  testing::TempDir dir;
  write_file_atomic(dir.file("dict.txt"), "13 10\n262 9\n995 8\n");
  const OfaTokenizer tokenizer = load_tokenizer(dir.path());
  EXPECT_EQ(tokenizer.encode(" the world."), (Ids{5, 6, 4}));
  EXPECT_EQ(tokenizer.encode_gpt2(" the world."), (Ids{262, 995, 13}));
  EXPECT_EQ(tokenizer.vocabulary().mask_id(), 7);
}

TEST(LoadTokenizer, FallsBackToTheIdentityLayout) {
  OFAPT_REQUIRE_GPT2_BPE();
  testing::TempDir empty;
  EXPECT_EQ(load_tokenizer(empty.path()).size(), 59457);
  EXPECT_EQ(load_tokenizer("").size(), 59457);
}

TEST(LoadTokenizer, NamesTheMissingHalfOfALayout) {
  testing::TempDir dir;
  write_file_atomic(dir.file("vocab.json"), "{}");
  try {
    load_tokenizer(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("merges.txt")), std::string::npos) << e.what();
  }
  EXPECT_THROW(load_tokenizer(dir.file("no-such-dir")), Error);
}

}  // namespace
}  // namespace ofapt::text
