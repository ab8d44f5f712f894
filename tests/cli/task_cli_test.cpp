// The four paper tasks through the binary: a small OFA-format TSV of each runs through
// `ofapt tune --task` (validating with the task's metric) and `ofapt eval --tuned`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cli/run_ofapt.h"
#include "image/base64.h"
#include "image/decode.h"
#include "image/png_encode.h"
#include "image/synthetic.h"
#include "util/file.h"
#include "util/jsonl_log.h"

namespace ofapt {
namespace {

using testing::run_ofapt;

struct TaskCase {
  std::string task;
  std::string extra;  // more options
  std::string metric;
};

// Eight rows of the task's own TSV layout (ofa-spec 11) around synthetic images.
std::string task_rows(const std::string& task) {
  std::string rows;
  const char* labels[] = {"entailment", "contradiction", "neutral"};
  for (int i = 0; i < 8; ++i) {
    const std::string id = std::to_string(i);
    const std::string image = base64_encode(encode_png(make_synthetic_image(32, i)), Base64Alphabet::kUrlSafe);
    if (task == "caption") rows += id + "\t" + id + "\ta red square.&&a square\t\t" + image + "\n";
    if (task == "refcoco") rows += id + "\t" + id + "\tthe square\t4,4,20,28\t" + image + "\n";
    if (task == "vqa") rows += id + "\t" + id + "\twhat color is it\t1.0|!+red&&0.3|!+blue\tsquare\t" + image + "\n";
    if (task == "snli_ve") {
      rows += id + "\t" + id + "\t" + image + "\ta square\ta red square\t" + labels[i % 3] + "\n";
    }
  }
  return rows;
}

class TaskCli : public ::testing::TestWithParam<TaskCase> {};

TEST_P(TaskCli, TunesAndEvaluatesWithTheTaskMetric) {
  const TaskCase& c = GetParam();
  const std::string dir = testing::fresh_test_dir("task-" + c.task);
  ASSERT_EQ(run_ofapt("init --preset micro --seed 1 --out " + dir + "/model").exit_code, 0);
  write_file_atomic(dir + "/data.tsv", task_rows(c.task));
  write_file_atomic(dir + "/answers.txt", "red\nblue\ngreen\n");
  const std::string extra = c.extra.empty() ? "" : " " + c.extra + " " + dir + "/answers.txt";
  auto tuned = run_ofapt("tune --task " + c.task + " --model " + dir + "/model --train " + dir + "/data.tsv --valid " +
                         dir + "/data.tsv --output " + dir + "/out --image-size 32 --steps 4 --batch-size 4 " +
                         "--method prompt:length=4 --beam 2 --quiet" + extra);
  ASSERT_EQ(tuned.exit_code, 0) << tuned.output;
  bool validated = false;
  for (const auto& record : read_jsonl(dir + "/out/train_log.jsonl")) {
    if (record["event"] == "valid") validated = record["metric"] == c.metric;
  }
  EXPECT_TRUE(validated) << "no validation with " << c.metric;

  auto evaluated = run_ofapt("eval --task " + c.task + " --model " + dir + "/model --tuned " + dir +
                             "/out/final --data " + dir + "/data.tsv " + dir + "/data.tsv --image-size 32 --beam 2 " +
                             "--output " + dir + "/results.json" + extra);
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.output;
  const auto results = nlohmann::json::parse(read_file(dir + "/results.json"));
  EXPECT_EQ(results["metric"], c.metric);
  EXPECT_GE(results["value"].get<double>(), 0.0);
  EXPECT_EQ(results["samples"].size(), 8u);
  EXPECT_TRUE(results["samples"][0].contains("prediction"));
  // Two splits (the same file twice here) are both reported, with equal values.
  ASSERT_EQ(results["splits"].size(), 2u);
  EXPECT_EQ(results["splits"][1]["value"], results["value"]);
}

INSTANTIATE_TEST_SUITE_P(Tasks, TaskCli,
                         ::testing::Values(TaskCase{"caption", "", "cider"}, TaskCase{"refcoco", "", "acc@0.5"},
                                           TaskCase{"vqa", "--answers", "accuracy"},
                                           TaskCase{"snli_ve", "", "accuracy"}),
                         [](const auto& info) { return info.param.task; });

TEST(PredictCli, AnswersOneImageWithTheTaskReader) {
  const std::string dir = testing::fresh_test_dir("predict");
  ASSERT_EQ(run_ofapt("init --preset micro --seed 1 --out " + dir + "/model").exit_code, 0);
  write_file_atomic(dir + "/image.png", encode_png(make_synthetic_image(32, 3)));
  write_file_atomic(dir + "/answers.txt", "red\nblue\ngreen\n");
  const std::string common = " --model " + dir + "/model --image " + dir + "/image.png --image-size 32";
  auto vqa = run_ofapt("predict --task vqa --text \"what color is it\" --answers " + dir + "/answers.txt" + common);
  ASSERT_EQ(vqa.exit_code, 0) << vqa.output;
  const std::string answer = nlohmann::json::parse(vqa.output)["prediction"];
  EXPECT_TRUE(answer == "red" || answer == "blue" || answer == "green") << answer;
  auto caption = run_ofapt("predict --task caption --beam 2" + common);
  ASSERT_EQ(caption.exit_code, 0) << caption.output;
  EXPECT_TRUE(nlohmann::json::parse(caption.output)["prediction"].is_string());
  auto entailment = run_ofapt("predict --task snli_ve --text \"a square\" --premise \"a red square\"" + common);
  ASSERT_EQ(entailment.exit_code, 0) << entailment.output;
  const std::string label = nlohmann::json::parse(entailment.output)["prediction"];
  EXPECT_TRUE(label == "yes" || label == "no" || label == "maybe") << label;
  // A random model rarely writes 4 location tokens; --constrain-boxes makes it, so --draw has a box.
  auto grounding = run_ofapt("predict --task refcoco --text \"the red square\" --constrain-boxes --beam 2 --max-image-size 32 "
                             "--draw " + dir + "/box.png" + common);
  ASSERT_EQ(grounding.exit_code, 0) << grounding.output;
  const auto box = nlohmann::json::parse(grounding.output)["prediction"];
  ASSERT_TRUE(box.is_array() && box.size() == 4u) << grounding.output;
  const RgbImage drawn = decode_image(read_file(dir + "/box.png"), "box.png");
  const RgbImage original = make_synthetic_image(32, 3);
  ASSERT_EQ(drawn.width, original.width);
  int64_t changed = 0;
  for (size_t i = 0; i < drawn.pixels.size(); ++i) changed += drawn.pixels[i] != original.pixels[i];
  EXPECT_GT(changed, 0) << "the box outline is drawn on the image";
  auto no_box = run_ofapt("predict --task caption --draw " + dir + "/x.png" + common);
  EXPECT_EQ(no_box.exit_code, 2) << no_box.output;
  auto missing_text = run_ofapt("predict --task refcoco" + common);
  EXPECT_EQ(missing_text.exit_code, 2);
  EXPECT_NE(missing_text.output.find("--text"), std::string::npos) << missing_text.output;
  write_file_atomic(dir + "/broken.png", "not an image");
  auto broken = run_ofapt("predict --task caption --model " + dir + "/model --image " + dir + "/broken.png");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.output.find("broken.png"), std::string::npos) << broken.output;
}

TEST(TaskCliErrors, MalformedRowsNameFileAndLine) {
  const std::string dir = testing::fresh_test_dir("task-errors");
  ASSERT_EQ(run_ofapt("init --preset micro --seed 1 --out " + dir + "/model").exit_code, 0);
  write_file_atomic(dir + "/bad.tsv", "1\t1\tthe dog\t4,4\tAAAA\n");
  auto result = run_ofapt("eval --task refcoco --model " + dir + "/model --data " + dir + "/bad.tsv --image-size 32");
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.output.find("bad.tsv:1"), std::string::npos) << result.output;
  auto unknown = run_ofapt("eval --task ocr --model " + dir + "/model --data " + dir + "/bad.tsv");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("unknown task"), std::string::npos) << unknown.output;
}

}  // namespace
}  // namespace ofapt
