// The three OFA vocabulary layouts: identity (ofapt's own), fairseq dict.txt, Hugging Face vocab.json.
#include <gtest/gtest.h>

#include <fstream>

#include "text/ofa_vocabulary.h"
#include "text_test_support.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::text {
namespace {

TokenVocabulary gpt2_vocabulary() { return TokenVocabulary::load_json(join_path(default_bpe_dir(), "encoder.json")); }

TEST(OfaVocabulary, IdentityLayoutMatchesTheSpec) {
  OFAPT_REQUIRE_GPT2_BPE();
  const OfaVocabulary vocab = OfaVocabulary::identity(gpt2_vocabulary());
  EXPECT_EQ(vocab.size(), 59457);
  EXPECT_EQ(vocab.mask_id(), 50264);
  EXPECT_EQ(vocab.code_id(0), 50265);
  EXPECT_EQ(vocab.code_id(8191), 58456);
  EXPECT_EQ(vocab.bin_id(0), 58457);
  EXPECT_EQ(vocab.bin_id(999), 59456);
  EXPECT_EQ(vocab.entry(0), "<s>");
  EXPECT_EQ(vocab.entry(3), "<unk>");
  EXPECT_EQ(vocab.entry(4), "!");  // GPT-2 id 0
  EXPECT_EQ(vocab.bpe_token_id("Ġthe"), 4 + 262);
  EXPECT_EQ(vocab.entry(50260), "<|endoftext|>");  // GPT-2 id 50256
  EXPECT_EQ(vocab.symbol_id("madeupword0000"), 50261);
  EXPECT_EQ(vocab.symbol_id("madeupword0002"), 50263);
  EXPECT_EQ(vocab.symbol_id("<bin_12>"), 58469);
  EXPECT_FALSE(vocab.symbol_id("<bin_1000>"));
  EXPECT_EQ(vocab.bpe_token_id("not-a-token"), OfaVocabulary::kUnk);
  EXPECT_TRUE(vocab.is_bpe(266));
  EXPECT_FALSE(vocab.is_bpe(vocab.bin_id(3)));
  EXPECT_THROW(vocab.bin_id(1000), Error);
  EXPECT_THROW(vocab.code_id(-1), Error);
}

TEST(OfaVocabulary, FairseqDictionaryGivesFileOrder) {
  OFAPT_REQUIRE_GPT2_BPE();
  testing::TempDir dir;
  // GPT-2 13 ".", 262 " the", 995 " world"; then one madeupword as OFA's dict.txt has.
  write_file_atomic(dir.file("dict.txt"), "13 850314647\n262 800385005\n995 100\nmadeupword0000 0\n");
  const OfaVocabulary vocab = OfaVocabulary::from_fairseq_dict(dir.file("dict.txt"), gpt2_vocabulary());
  EXPECT_EQ(vocab.bpe_token_id("."), 4);
  EXPECT_EQ(vocab.bpe_token_id("Ġthe"), 5);
  EXPECT_EQ(vocab.bpe_token_id("Ġworld"), 6);
  EXPECT_EQ(vocab.bpe_token_id("Ġhello"), OfaVocabulary::kUnk);
  EXPECT_EQ(vocab.symbol_id("madeupword0000"), 7);
  EXPECT_EQ(vocab.mask_id(), 8);
  EXPECT_EQ(vocab.code_id(0), 9);
  EXPECT_EQ(vocab.bin_id(0), 9 + 8192);
  EXPECT_EQ(vocab.size(), 9 + 8192 + 1000);
}

TEST(OfaVocabulary, FairseqOverwriteFlagAddsASecondEntry) {
  OFAPT_REQUIRE_GPT2_BPE();
  testing::TempDir dir;
  write_file_atomic(dir.file("dict.txt"), "13 5\n262 4\n13 3 #fairseq:overwrite\n");
  const OfaVocabulary vocab = OfaVocabulary::from_fairseq_dict(dir.file("dict.txt"), gpt2_vocabulary());
  EXPECT_EQ(vocab.bpe_token_id("."), 6);
  EXPECT_EQ(vocab.mask_id(), 7);
}

TEST(OfaVocabulary, HuggingFaceVocabKeepsItsIdsAndAppendsMissingSymbols) {
  testing::TempDir dir;
  write_file_atomic(dir.file("vocab.json"),
                    R"({"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "Ġthe": 4, "Ġworld": 5, ".": 6, "<mask>": 7})");
  const OfaVocabulary vocab =
      OfaVocabulary::from_hf_vocab(TokenVocabulary::load_json(dir.file("vocab.json")), dir.file("vocab.json"));
  EXPECT_EQ(vocab.bpe_token_id("Ġworld"), 5);
  EXPECT_EQ(vocab.mask_id(), 7);
  EXPECT_FALSE(vocab.is_bpe(7));
  EXPECT_EQ(vocab.code_id(0), 8);
  EXPECT_EQ(vocab.bin_id(0), 8 + 8192);
  EXPECT_EQ(vocab.size(), 8 + 8192 + 1000);

  // Bins already in vocab.json keep their ids; <mask> and the codes go after the largest id.
  write_file_atomic(dir.file("bins.json"),
                    R"({"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "Ġthe": 4, "<bin_0>": 5, "<bin_1>": 6})");
  const OfaVocabulary with_bins =
      OfaVocabulary::from_hf_vocab(TokenVocabulary::load_json(dir.file("bins.json")), dir.file("bins.json"));
  EXPECT_EQ(with_bins.bin_id(0), 5);
  EXPECT_EQ(with_bins.bin_id(1), 6);
  EXPECT_EQ(with_bins.mask_id(), 7);
  EXPECT_EQ(with_bins.code_id(0), 8);
  EXPECT_EQ(with_bins.bin_id(2), 8 + 8192);
  EXPECT_EQ(with_bins.size(), 7 + 1 + 8192 + 998);
}

}  // namespace
}  // namespace ofapt::text
