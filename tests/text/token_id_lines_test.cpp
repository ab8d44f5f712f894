// The JSON-lines conversions behind `ofapt tokenize`.
#include <gtest/gtest.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "text/token_id_lines.h"
#include "text_test_support.h"
#include "util/error.h"

namespace ofapt::text {
namespace {

std::string encode_text(const std::string& input, const TokenIdLinesOptions& options = {}) {
  std::istringstream in(input);
  std::ostringstream out;
  encode_lines(testing::default_tokenizer(), in, out, options);
  return out.str();
}

std::string decode_text(const std::string& input, const TokenIdLinesOptions& options = {}) {
  std::istringstream in(input);
  std::ostringstream out;
  decode_lines(testing::default_tokenizer(), in, out, "ids.jsonl", options);
  return out.str();
}

TEST(TokenIdLines, EncodesOneArrayPerLine) {
  OFAPT_REQUIRE_GPT2_BPE();
  TokenIdLinesOptions gpt2;
  gpt2.ids = IdSpace::kGpt2;
  EXPECT_EQ(encode_text("Hello world\n\n world", gpt2), "[15496,995]\n[]\n[995]\n");
  EXPECT_EQ(encode_text("Hello world\n"), "[15500,999]\n");
  TokenIdLinesOptions symbols;
  symbols.symbols = true;
  EXPECT_EQ(encode_text("<bin_0> <bin_999>\n", symbols), "[58457,59456]\n");
  symbols.ids = IdSpace::kGpt2;
  EXPECT_THROW(encode_text("x", symbols), Error);
  EXPECT_EQ(encode_text(""), "");
}

TEST(TokenIdLines, DecodesToJsonStringsSoNewlinesSurvive) {
  OFAPT_REQUIRE_GPT2_BPE();
  const OfaTokenizer& tokenizer = testing::default_tokenizer();
  std::string ids = nlohmann::json(tokenizer.encode("two\nlines \"quoted\" é")).dump();
  EXPECT_EQ(decode_text(ids + "\n[0,15500,2]\n"), "\"two\\nlines \\\"quoted\\\" é\"\n\"Hello\"\n");
  TokenIdLinesOptions gpt2;
  gpt2.ids = IdSpace::kGpt2;
  EXPECT_EQ(decode_text("[15496,995]", gpt2), "\"Hello world\"\n");
}

TEST(TokenIdLines, NamesTheLineOfABadInput) {
  OFAPT_REQUIRE_GPT2_BPE();
  auto message = [](const std::string& input) -> std::string {
    try {
      decode_text(input);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(message("[1,2]\n[1,\n").find("ids.jsonl:2: malformed JSON"), std::string::npos);
  EXPECT_NE(message("[4]\n[5]\n{\"a\": 1}\n").find("ids.jsonl:3: expected a JSON array"), std::string::npos);
  EXPECT_NE(message("[4, \"x\"]\n").find("ids.jsonl:1: token id \"x\""), std::string::npos);
  EXPECT_NE(message("[4]\n[70000]\n").find("ids.jsonl:2: token id 70000"), std::string::npos);
  EXPECT_NE(message("\n").find("ids.jsonl:1: malformed JSON"), std::string::npos);
}

}  // namespace
}  // namespace ofapt::text
