// End-to-end runs of the ofapt binary: fixture parity through the CLI, convert round trip, clear errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <sstream>

#include "cli/run_ofapt.h"
#include "test_paths.h"
#include "util/file.h"

namespace ofapt {
namespace {

using testing::run_ofapt;

std::string temp_dir(const std::string& name) { return testing::fresh_test_dir(name); }

std::string ids(const nlohmann::json& list) {
  std::string out;
  for (const auto& id : list) out += std::to_string(id.get<int64_t>()) + " ";
  return "\"" + out + "\"";
}

class FixtureCli : public ::testing::Test {
 protected:
  void SetUp() override {
    OFAPT_REQUIRE_SHARED("fixtures/ofa-micro/reference.json");
    dir_ = testing::shared_path("fixtures/ofa-micro");
    reference_ = nlohmann::json::parse(read_file(dir_ + "/reference.json"));
  }
  std::string dir_;
  nlohmann::json reference_;
};

void expect_logprobs(const std::string& line, const nlohmann::json& expected) {
  auto actual = nlohmann::json::parse(line)["token_logprobs"];
  ASSERT_EQ(actual.size(), expected.size()) << line;
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i].get<double>(), expected[i].get<double>(), 1e-4);
}

TEST_F(FixtureCli, ScoreBatchAndAloneMatchTheReference) {
  const std::string batch = temp_dir("score") + "/batch.jsonl";
  std::string lines;
  for (const auto& sample : reference_["samples"]) {
    lines += nlohmann::json{{"image", dir_ + "/" + sample["image"].get<std::string>()},
                            {"source_ids", sample["src_ids"]},
                            {"target_ids", sample["tgt_ids"]}}
                 .dump() +
             "\n";
  }
  write_file_atomic(batch, lines);
  auto batched = run_ofapt("score --model " + dir_ + " --image-size 64 --batch " + batch);
  ASSERT_EQ(batched.exit_code, 0) << batched.output;
  std::istringstream out(batched.output);
  std::string line;
  for (const auto& sample : reference_["samples"]) {
    ASSERT_TRUE(std::getline(out, line));
    expect_logprobs(line, sample["token_logprobs_batched"]);
  }
  for (const auto& sample : reference_["samples"]) {
    auto alone = run_ofapt("score --model " + dir_ + " --image " + dir_ + "/" + sample["image"].get<std::string>() +
                           " --image-size 64 --source-ids " + ids(sample["src_ids"]) + " --target-ids " +
                           ids(sample["tgt_ids"]));
    ASSERT_EQ(alone.exit_code, 0) << alone.output;
    expect_logprobs(alone.output, sample["token_logprobs_alone"]);
  }
}

TEST_F(FixtureCli, GreedyGenerateMatchesTheReference) {
  for (const auto& sample : reference_["samples"]) {
    auto result = run_ofapt("generate --model " + dir_ + " --image " + dir_ + "/" +
                            sample["image"].get<std::string>() + " --source-ids " + ids(sample["src_ids"]) +
                            " --beam 1 --min-len 0 --max-len 6");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_EQ(nlohmann::json::parse(result.output)["ids"], sample["greedy_ids"]);
  }
}

TEST_F(FixtureCli, ConvertedSafetensorsScoreTheSame) {
  const std::string out = temp_dir("convert") + "/micro";
  auto converted = run_ofapt("convert --model " + dir_ + " --out " + out);
  ASSERT_EQ(converted.exit_code, 0) << converted.output;
  EXPECT_TRUE(file_exists(out + "/model.safetensors"));
  const auto& sample = reference_["samples"][0];
  auto scored = run_ofapt("score --model " + out + " --image " + dir_ + "/image0.png --source-ids " +
                          ids(sample["src_ids"]) + " --target-ids " + ids(sample["tgt_ids"]));
  ASSERT_EQ(scored.exit_code, 0) << scored.output;
  expect_logprobs(scored.output, sample["token_logprobs_alone"]);
  auto info = run_ofapt("info --model " + out);
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_EQ(nlohmann::json::parse(info.output)["format"], "safetensors");
}

TEST(Cli, InitInfoScoreGenerateOnARandomModel) {
  const std::string dir = temp_dir("init");
  ASSERT_EQ(run_ofapt("init --preset micro --seed 3 --out " + dir + "/m").exit_code, 0);
  ASSERT_EQ(run_ofapt("synth-image --size 32 --seed 2 --out " + dir + "/i.png").exit_code, 0);
  auto info = run_ofapt("info --model " + dir + "/m");
  ASSERT_EQ(info.exit_code, 0) << info.output;
  auto json = nlohmann::json::parse(info.output);
  EXPECT_EQ(json["parameters"], json["parameters_by_part"]["shared_embedding"].get<int64_t>() +
                                    json["parameters_by_part"]["resnet"].get<int64_t>() +
                                    json["parameters_by_part"]["transformer"].get<int64_t>());
  auto generated = run_ofapt("generate --model " + dir + "/m --image " + dir + "/i.png --source-ids \"0 100 2\"" +
                             " --beam 3 --max-len 4 --nbest 2");
  ASSERT_EQ(generated.exit_code, 0) << generated.output;
  EXPECT_EQ(nlohmann::json::parse(generated.output)["nbest"].size(), 2u);
}

TEST(Cli, BadInputsGiveClearErrorsAndExitCodes) {
  const std::string dir = temp_dir("errors");
  ASSERT_EQ(run_ofapt("init --preset micro --out " + dir + "/m").exit_code, 0);
  write_file_atomic(dir + "/broken.png", std::string("\x89PNG\r\n\x1a\n garbage", 17));
  auto bad_image = run_ofapt("score --model " + dir + "/m --image " + dir + "/broken.png --source-ids \"0 2\"" +
                             " --target-ids \"0 5 2\"");
  EXPECT_EQ(bad_image.exit_code, 1);
  EXPECT_NE(bad_image.output.find("broken.png"), std::string::npos) << bad_image.output;

  write_file_atomic(dir + "/m2.safetensors", "not a checkpoint");
  write_file_atomic(dir + "/config.json", read_file(dir + "/m/config.json"));
  auto bad_model = run_ofapt("info --model " + dir + "/m2.safetensors");
  EXPECT_EQ(bad_model.exit_code, 1);
  EXPECT_NE(bad_model.output.find("m2.safetensors"), std::string::npos) << bad_model.output;

  auto bad_ids = run_ofapt("score --model " + dir + "/m --source-ids \"0 x 2\" --target-ids \"0 5 2\"");
  EXPECT_EQ(bad_ids.exit_code, 2);
  EXPECT_NE(bad_ids.output.find("--source-ids"), std::string::npos) << bad_ids.output;

  auto out_of_vocab = run_ofapt("score --model " + dir + "/m --source-ids \"0 99999999 2\" --target-ids \"0 5 2\"");
  EXPECT_EQ(out_of_vocab.exit_code, 1);
  EXPECT_NE(out_of_vocab.output.find("outside the vocabulary"), std::string::npos) << out_of_vocab.output;

  write_file_atomic(dir + "/bad.jsonl", "{\"source_ids\": [0, 2], \"target_ids\": [0, 5, 2]}\n{not json\n");
  auto bad_batch = run_ofapt("score --model " + dir + "/m --batch " + dir + "/bad.jsonl");
  EXPECT_EQ(bad_batch.exit_code, 1);
  EXPECT_NE(bad_batch.output.find("bad.jsonl:2"), std::string::npos) << bad_batch.output;

  EXPECT_EQ(run_ofapt("frobnicate").exit_code, 2);
}

}  // namespace
}  // namespace ofapt
