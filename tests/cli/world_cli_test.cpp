// ofapt synth -> ofapt pretrain -> ofapt tune/eval on the world's downstream files: the synthetic
// world's whole path through the command line, at toy size.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/run_ofapt.h"
#include "test_paths.h"
#include "util/file.h"
#include "util/jsonl_log.h"

namespace ofapt {
namespace {

using testing::run_ofapt;

TEST(WorldCli, SynthPretrainThenTuneAndEvalDownstream) {
  const std::string dir = testing::fresh_test_dir("world");
  auto synth = run_ofapt("synth --quiet --split pretrain --out " + dir + "/pretrain --train-images 6 --val-images 2 "
                         "--image-size 64");
  ASSERT_EQ(synth.exit_code, 0) << synth.output;
  EXPECT_NE(synth.output.find("vqa_train.tsv: 18 rows"), std::string::npos) << synth.output;
  ASSERT_EQ(run_ofapt("synth --quiet --split downstream --out " + dir + "/downstream --train-images 4 "
                      "--val-images 2 --image-size 64").exit_code, 0);
  EXPECT_TRUE(file_exists(dir + "/downstream/snli_ve_val.tsv"));

  auto pretrain = run_ofapt("pretrain --quiet --world " + dir + "/pretrain --output " + dir + "/run --preset nano "
                            "--image-size 32 --steps 3 --batch-size 4 --valid-every 3 --save-every 3");
  ASSERT_EQ(pretrain.exit_code, 0) << pretrain.output;
  const auto config = nlohmann::json::parse(read_file(dir + "/run/model/config.json"));
  EXPECT_EQ(config["ofapt_pretrain"]["steps"], 3);
  EXPECT_EQ(config["ofapt_pretrain"]["max_image_size"], 64);  // from world.json
  EXPECT_EQ(config["d_model"], 128);
  bool validated = false;
  for (const auto& record : read_jsonl(dir + "/run/train_log.jsonl")) validated |= record.value("event", "") == "valid";
  EXPECT_TRUE(validated);

  // The pretrained model is a base like any other: prompt-tune it on a downstream task and evaluate.
  const std::string model = " --model " + dir + "/run/model --image-size 32 --max-image-size 64";
  auto tune = run_ofapt("tune --quiet --task snli_ve --method prompt:length=4 --train " + dir +
                        "/downstream/snli_ve_train.tsv --output " + dir + "/tuned --steps 2 --batch-size 4" + model);
  ASSERT_EQ(tune.exit_code, 0) << tune.output;
  auto eval = run_ofapt("eval --task vqa --answers " + dir + "/downstream/answers.txt --data " + dir +
                        "/downstream/vqa_val.tsv" + model);
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  EXPECT_NE(eval.output.find("accuracy"), std::string::npos) << eval.output;

  // The demo on that model: zero-shot, prompt tuning, the table and a results file.
  auto demo = run_ofapt("demo --model " + dir + "/run/model --work " + dir + "/demo --task vqa --steps 2 "
                        "--train-images 4 --val-images 2 --eval-rows 4 --batch-size 2 --compare-scratch");
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  EXPECT_NE(demo.output.find("prompt:length=64,depth=both"), std::string::npos) << demo.output;
  const auto results = nlohmann::json::parse(read_file(dir + "/demo/demo_results.json"));
  EXPECT_EQ(results["runs"][0]["trainable_parameters"], 2 * 2 * 64 * 128 * 2);  // K and V, 2+2 layers, P=64, d=128
  EXPECT_TRUE(file_exists(dir + "/demo/prompt/final/adapter_model.safetensors"));
  ASSERT_EQ(results["runs"].size(), 2u);
  EXPECT_EQ(results["runs"][1]["method"], "finetune (from scratch)");
  auto no_model = run_ofapt("demo --model " + dir + "/nothing --work " + dir + "/demo2");
  EXPECT_EQ(no_model.exit_code, 2) << no_model.output;
  EXPECT_NE(no_model.output.find("ofapt pretrain"), std::string::npos) << no_model.output;

  auto missing = run_ofapt("pretrain --world " + dir + "/downstream/nothing --output " + dir + "/bad");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("world.json"), std::string::npos) << missing.output;
}

// The shipped default model (models/nano-world) is a whole, loadable model that the demo runs by
// default: a corrupt or pointer-only (Git LFS) file, or a moved directory, fails here.
TEST(WorldCli, DemoRunsOnTheShippedDefaultModel) {
  const std::string config_path = testing::source_path("models/nano-world/config.json");
  ASSERT_TRUE(file_exists(config_path));
  const auto config = nlohmann::json::parse(read_file(config_path));
  EXPECT_EQ(config["ofapt_pretrain"]["preset"], "nano");
  EXPECT_EQ(config["ofapt_pretrain"]["world_seed"], 1);
  auto info = run_ofapt("info --model " + testing::source_path("models/nano-world"));
  ASSERT_EQ(info.exit_code, 0) << info.output;
  EXPECT_NE(info.output.find("13051912"), std::string::npos) << info.output;

  const std::string dir = testing::fresh_test_dir("world-default");
  auto demo = run_ofapt("demo --work " + dir + " --steps 1 --train-images 4 --val-images 2 --eval-rows 6 --batch-size 2");
  ASSERT_EQ(demo.exit_code, 0) << demo.output;
  const auto results = nlohmann::json::parse(read_file(dir + "/demo_results.json"));
  EXPECT_NE(results["model"].get<std::string>().find("nano-world"), std::string::npos);
  EXPECT_EQ(results["task"], "snli_ve");
}

}  // namespace
}  // namespace ofapt
