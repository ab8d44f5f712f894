// One bad file per failure mode: each must give ofapt::Error naming the file (and line where there is one).
#include <gtest/gtest.h>

#include <fstream>

#include "text/ofa_tokenizer.h"
#include "text_test_support.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::text {
namespace {

// Runs `load`, expecting an Error whose message contains every one of `needles`.
template <typename Load>
void expect_error(Load load, std::initializer_list<std::string> needles) {
  try {
    load();
    ADD_FAILURE() << "expected an ofapt::Error";
  } catch (const Error& e) {
    for (const std::string& needle : needles)
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(TokenizerErrors, MissingMergesFile) {
  testing::TempDir dir;
  expect_error([&] { ByteLevelBpe::load(dir.file("vocab.bpe")); }, {dir.file("vocab.bpe"), "cannot open"});
  write_file_atomic(dir.file("encoder.json"), "{}");  // encoder.json alone is half of the fairseq layout
  expect_error([&] { load_tokenizer(dir.path()); }, {dir.file("vocab.bpe"), "missing"});
}

TEST(TokenizerErrors, MalformedMergesLine) {
  testing::TempDir dir;
  write_file_atomic(dir.file("merges.txt"), "#version: 0.2\nĠ t\nĠt h e\n");
  expect_error([&] { ByteLevelBpe::load(dir.file("merges.txt")); }, {dir.file("merges.txt") + ":3", "Ġt h e"});
  write_file_atomic(dir.file("space.txt"), "a \xE2\x80\x83\n");  // U+2003 is not in the byte alphabet
  expect_error([&] { ByteLevelBpe::load(dir.file("space.txt")); }, {dir.file("space.txt") + ":1", "alphabet"});
  write_file_atomic(dir.file("empty.txt"), "#version: 0.2\n");
  expect_error([&] { ByteLevelBpe::load(dir.file("empty.txt")); }, {dir.file("empty.txt"), "no merge rules"});
}

TEST(TokenizerErrors, CorruptEncoderJson) {
  testing::TempDir dir;
  write_file_atomic(dir.file("encoder.json"), "{\"a\": 0, \"b\": ");
  expect_error([&] { TokenVocabulary::load_json(dir.file("encoder.json")); },
               {dir.file("encoder.json"), "not valid JSON"});
  write_file_atomic(dir.file("array.json"), "[1, 2]");
  expect_error([&] { TokenVocabulary::load_json(dir.file("array.json")); }, {dir.file("array.json"), "object"});
  write_file_atomic(dir.file("string_id.json"), R"({"a": "0"})");
  expect_error([&] { TokenVocabulary::load_json(dir.file("string_id.json")); }, {dir.file("string_id.json"), "\"a\""});
  write_file_atomic(dir.file("shared.json"), R"({"a": 0, "b": 0})");
  expect_error([&] { TokenVocabulary::load_json(dir.file("shared.json")); }, {dir.file("shared.json"), "share id 0"});
  write_file_atomic(dir.file("negative.json"), R"({"a": -1})");
  expect_error([&] { TokenVocabulary::load_json(dir.file("negative.json")); }, {dir.file("negative.json"), "-1"});
}

TEST(TokenizerErrors, CorruptEncoderJsonThroughTheLoader) {
  testing::TempDir dir;
  write_file_atomic(dir.file("encoder.json"), "not json");
  write_file_atomic(dir.file("vocab.bpe"), "#version: 0.2\nĠ t\n");
  expect_error([&] { load_tokenizer(dir.path()); }, {dir.file("encoder.json")});
}

TEST(TokenizerErrors, BadDictTxt) {
  OFAPT_REQUIRE_GPT2_BPE();
  const TokenVocabulary gpt2 = TokenVocabulary::load_json(join_path(default_bpe_dir(), "encoder.json"));
  testing::TempDir dir;
  const std::string dict = dir.file("dict.txt");
  write_file_atomic(dict, "13 5\n262 many\n");
  expect_error([&] { OfaVocabulary::from_fairseq_dict(dict, gpt2); }, {dict + ":2", "many"});
  write_file_atomic(dict, "13 5\nnospace\n");
  expect_error([&] { OfaVocabulary::from_fairseq_dict(dict, gpt2); }, {dict + ":2"});
  write_file_atomic(dict, "13 5\n13 4\n");
  expect_error([&] { OfaVocabulary::from_fairseq_dict(dict, gpt2); }, {dict + ":2", "duplicate"});
  write_file_atomic(dict, "99999 5\n");
  expect_error([&] { OfaVocabulary::from_fairseq_dict(dict, gpt2); }, {dict + ":1", "99999"});
  write_file_atomic(dict, "<s> 5\n");
  expect_error([&] { OfaVocabulary::from_fairseq_dict(dict, gpt2); }, {dict + ":1", "duplicate"});
}

TEST(TokenizerErrors, HuggingFaceVocabWithoutSpecialsInPlace) {
  testing::TempDir dir;
  write_file_atomic(dir.file("vocab.json"), R"({"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3})");
  write_file_atomic(dir.file("merges.txt"), "#version: 0.2\nĠ t\n");
  expect_error([&] { load_tokenizer(dir.path()); }, {dir.file("vocab.json"), "<s>"});
  write_file_atomic(dir.file("vocab.json"), R"({"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3, "x": 5})");
  expect_error([&] { load_tokenizer(dir.path()); }, {dir.file("vocab.json"), "id 4"});
}

}  // namespace
}  // namespace ofapt::text
