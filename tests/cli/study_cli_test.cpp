// ofapt study on the shipped default model at toy size: two methods, one task, one seed, a few
// updates, one attack; the report, its plots and the run records come out, and a rerun skips
// finished runs and only attacks what a grown spec adds.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "cli/run_ofapt.h"
#include "study/gnuplot_chart.h"
#include "test_paths.h"
#include "util/file.h"
#include "util/strings.h"

namespace ofapt {
namespace {

using testing::run_ofapt;

int64_t modified_ns(const std::string& path) {
  struct stat info {};
  ::stat(path.c_str(), &info);
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
}

TEST(StudyCli, ASmallSpecRunsReportsPlotsAndResumes) {
  const std::string dir = testing::fresh_test_dir("study");
  const nlohmann::json spec = {{"model", testing::source_path("models/nano-world")},
                               {"world", {{"seed", 3}, {"train_images", 4}, {"val_images", 2}}},
                               {"steps", 4},
                               {"batch_size", 2},
                               {"eval_rows", 4},
                               {"valid_every", 2},
                               {"seeds", {1}},
                               {"targets", {{"snli_ve", 0.0}}},
                               {"attacks", {{{"method", "fgsm"}, {"space", "embedding"}, {"eps", {0.1}}}}},
                               {"attack_rows", 3},
                               {"groups",
                                {{{"name", "methods"},
                                  {"tasks", {"snli_ve"}},
                                  {"attack", true},
                                  {"methods", {"prompt:length=4", {{"spec", "bitfit"}, {"label", "BitFit (biases, 0.03 %)"}}}}}}}};
  write_file_atomic(dir + "/spec.json", spec.dump());
  auto study = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out");
  ASSERT_EQ(study.exit_code, 0) << study.output;
  EXPECT_NE(study.output.find("(2 of 2 runs)"), std::string::npos) << study.output;

  const std::string run_dir = dir + "/out/runs/snli_ve/prompt-length-4/seed1";
  const auto record = nlohmann::json::parse(read_file(run_dir + "/run.json"));
  ASSERT_EQ(record["curve"].size(), 3u);  // zero-shot, step 2, step 4
  EXPECT_EQ(record["curve"][0]["step"], 0);
  EXPECT_EQ(record["curve"][2]["step"], 4);
  EXPECT_EQ(record["trainable_parameters"], 2 * 2 * 4 * 128 * 2);
  ASSERT_EQ(record["robust"].size(), 1u);
  EXPECT_EQ(record["robust"][0]["attack"], "fgsm-embedding-eps0.1");
  EXPECT_TRUE(record["clean_on_attack_rows"].is_number());

  const std::string report = read_file(dir + "/out/report.md");
  EXPECT_NE(report.find("| prompt:length=4 |"), std::string::npos) << report;
  EXPECT_NE(report.find("| BitFit (biases, 0.03 %) |"), std::string::npos) << report;
  EXPECT_NE(report.find("fgsm-embedding-eps0.1"), std::string::npos) << report;
  // A target of 0 is met by the base model, at step 0 and second 0.
  EXPECT_NE(report.find("| 1/1 | 0 (1) | 0 (1) |"), std::string::npos) << report;
  for (const char* plot : {"methods-snli_ve-curve", "methods-snli_ve-curve-seconds", "methods-snli_ve-bars",
                           "methods-snli_ve-fgsm-embedding"}) {
    EXPECT_TRUE(file_exists(dir + "/out/plots/" + plot + ".gp")) << plot;
    if (gnuplot_available()) {
      EXPECT_NE(read_file(dir + "/out/plots/" + plot + ".svg").find("<svg"), std::string::npos) << plot;
    }
  }

  // Resumable: a second run trains nothing and leaves the records as they were.
  const int64_t before = modified_ns(run_dir + "/run.json");
  auto again = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(again.output.find("== snli_ve"), std::string::npos) << again.output;
  EXPECT_EQ(modified_ns(run_dir + "/run.json"), before);

  // The zero-shot score is kept with a hash of the val rows it was scored on; other rows score again.
  const std::string zero_shot_path = dir + "/out/zero_shot/snli_ve.json";
  auto zero_shot = nlohmann::json::parse(read_file(zero_shot_path));
  const std::string val_hash = zero_shot.at("val_hash");
  zero_shot["val_hash"] = "0000000000000000";
  write_file_atomic(zero_shot_path, zero_shot.dump());
  auto rescored = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out");
  ASSERT_EQ(rescored.exit_code, 0) << rescored.output;
  EXPECT_NE(rescored.output.find("was scored on other val rows; scoring again"), std::string::npos) << rescored.output;
  EXPECT_EQ(nlohmann::json::parse(read_file(zero_shot_path))["val_hash"], val_hash);
  EXPECT_EQ(modified_ns(run_dir + "/run.json"), before);

  // Every record names the base model it was made on. A finished run of another base model is
  // refused, never reported beside runs of this one.
  const std::string weights = record["base_model"]["weights_hash"];
  EXPECT_EQ(weights.size(), 16u);
  EXPECT_EQ(nlohmann::json::parse(read_file(zero_shot_path))["base_model"], record["base_model"]);
  EXPECT_NE(read_file(dir + "/out/report.md").find("`" + testing::source_path("models/nano-world") + "` (weights " +
                                                   weights + ")"),
            std::string::npos);
  const std::string original_record = read_file(run_dir + "/run.json");
  // The study refuses to resume over `changed` (the run's record, altered), naming the run and why.
  auto expect_refused = [&](const nlohmann::json& changed, const std::string& why) {
    write_file_atomic(run_dir + "/run.json", changed.dump());
    auto refused = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out");
    EXPECT_NE(refused.exit_code, 0) << refused.output;
    EXPECT_NE(refused.output.find(run_dir + "/run.json: " + why), std::string::npos) << refused.output;
  };
  nlohmann::json other_base = record;
  other_base["base_model"]["weights_hash"] = "0123456789abcdef";
  expect_refused(other_base, "made on another base model (weights 0123456789abcdef");
  // Nor is a run on other rows (a new world version under a resumed study): each record names the
  // hashes of the task files it was trained and scored on.
  EXPECT_EQ(record["data"]["val_hash"], val_hash);
  EXPECT_EQ(record["data"]["train_hash"].get<std::string>().size(), 16u);
  nlohmann::json other_rows = record;
  other_rows["data"]["train_hash"] = "fedcba9876543210";
  expect_refused(other_rows, "trained on other train rows (train_hash \"fedcba9876543210\"");
  write_file_atomic(run_dir + "/run.json", original_record);

  // A spec that gains an attack attacks the saved models; it does not train them again.
  nlohmann::json more_attacks = spec;
  more_attacks["attacks"].push_back({{"method", "pgd"}, {"space", "pixel"}, {"eps", {8}}, {"steps", 2}});
  write_file_atomic(dir + "/spec.json", more_attacks.dump());
  const int64_t log_before = modified_ns(run_dir + "/train_log.jsonl");
  auto attacked = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out");
  ASSERT_EQ(attacked.exit_code, 0) << attacked.output;
  EXPECT_NE(attacked.output.find("new attacks"), std::string::npos) << attacked.output;
  EXPECT_EQ(modified_ns(run_dir + "/train_log.jsonl"), log_before);
  const auto extended = nlohmann::json::parse(read_file(run_dir + "/run.json"));
  ASSERT_EQ(extended["robust"].size(), 2u);
  EXPECT_EQ(extended["robust"][0], record["robust"][0]);
  EXPECT_EQ(extended["robust"][1]["attack"], "pgd-pixel-eps8");
  EXPECT_EQ(extended["robust"][1]["steps"], 2);
  EXPECT_EQ(extended["final"], record["final"]);
  EXPECT_NE(read_file(dir + "/out/report.md").find("pgd-pixel-eps8"), std::string::npos);

  // A report of a spec some of whose tasks have not run yet says so and draws no empty plot.
  nlohmann::json grown = more_attacks;
  grown["groups"].push_back({{"name", "later"}, {"tasks", {"vqa"}}, {"attack", true}, {"methods", {"bitfit"}}});
  write_file_atomic(dir + "/spec.json", grown.dump());
  auto partial = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out --report-only");
  ASSERT_EQ(partial.exit_code, 0) << partial.output;
  EXPECT_NE(read_file(dir + "/out/report.md").find("### later: vqa (accuracy)\n\nNo run of this task has finished yet."),
            std::string::npos);
  EXPECT_FALSE(file_exists(dir + "/out/plots/later-vqa-bars.gp"));
}

// The fair protocol: a learning-rate grid runs on the first seed, the rate with the best val score
// is fixed for the later seeds, each run's best-on-val state is scored once on the test split, and
// only the chosen rate's first-seed run is attacked.
TEST(StudyCli, TheFairProtocolChoosesTheRateOnSeedOneAndScoresTheBestStateOnTest) {
  const std::string dir = testing::fresh_test_dir("study-protocol");
  const nlohmann::json spec = {{"model", testing::source_path("models/nano-world")},
                               {"world", {{"seed", 3}, {"train_images", 4}, {"val_images", 2}, {"test_images", 2}}},
                               {"steps", 4},
                               {"batch_size", 2},
                               {"eval_rows", 4},
                               {"valid_every", 2},
                               {"seeds", {1, 2}},
                               {"lr_grid", {{"prompt", {0.001, 0.3}}}},
                               {"attacks", {{{"method", "fgsm"}, {"space", "embedding"}, {"eps", {0.1}}}}},
                               {"attack_rows", 2},
                               {"groups",
                                {{{"name", "methods"},
                                  {"tasks", {"snli_ve"}},
                                  {"attack", true},
                                  {"methods", {{{"spec", "prompt:length=4"}, {"early_stop", 1}}}}}}}};
  write_file_atomic(dir + "/spec.json", spec.dump());
  auto listed = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out --list");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("runs/snli_ve/prompt-length-4-lr0.001-stop1/seed1"), std::string::npos);
  EXPECT_NE(listed.output.find("runs/snli_ve/prompt-length-4-lr0.3-stop1/seed1"), std::string::npos);
  EXPECT_NE(listed.output.find("runs/snli_ve/prompt-length-4-lr(chosen)-stop1/seed2"), std::string::npos);

  auto study = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out");
  ASSERT_EQ(study.exit_code, 0) << study.output;
  const std::string runs = dir + "/out/runs/snli_ve/";
  const auto low = nlohmann::json::parse(read_file(runs + "prompt-length-4-lr0.001-stop1/seed1/run.json"));
  const auto high = nlohmann::json::parse(read_file(runs + "prompt-length-4-lr0.3-stop1/seed1/run.json"));
  const bool high_wins = high["best"].get<double>() > low["best"].get<double>();
  const std::string chosen = high_wins ? "prompt-length-4-lr0.3-stop1" : "prompt-length-4-lr0.001-stop1";
  ASSERT_TRUE(file_exists(runs + chosen + "/seed2/run.json")) << study.output;
  EXPECT_FALSE(file_exists(runs + (high_wins ? "prompt-length-4-lr0.001-stop1" : "prompt-length-4-lr0.3-stop1") +
                           "/seed2/run.json"));
  EXPECT_EQ(nlohmann::json::parse(read_file(runs + chosen + "/seed2/run.json"))["learning_rate"],
            high_wins ? 0.3 : 0.001);

  // Test rows: every snli_ve row of the 2 test images, scored with the state that was best on val.
  const int64_t test_rows = static_cast<int64_t>(split_on(read_file(dir + "/out/world/snli_ve_test.tsv"), "\n").size()) - 1;
  for (const auto* record : {&low, &high}) {
    ASSERT_TRUE(record->contains("test")) << record->dump();
    EXPECT_EQ((*record)["test"]["rows"], test_rows);
    EXPECT_GE((*record)["best_step"].get<int64_t>(), 0);
    EXPECT_TRUE((*record)["data"].contains("test_hash"));
  }
  // Only the chosen rate's first-seed run is attacked (on test rows, best state).
  const auto attacked = nlohmann::json::parse(read_file(runs + chosen + "/seed1/run.json"));
  EXPECT_EQ(attacked["robust"].size(), 1u);
  const auto other = nlohmann::json::parse(
      read_file(runs + (high_wins ? "prompt-length-4-lr0.001-stop1" : "prompt-length-4-lr0.3-stop1") + "/seed1/run.json"));
  EXPECT_EQ(other["robust"].size(), 0u);

  const std::string report = read_file(dir + "/out/report.md");
  EXPECT_NE(report.find("| test accuracy | val best |"), std::string::npos) << report;
  EXPECT_NE(report.find("Learning rates (val best on seed 1"), std::string::npos) << report;
  EXPECT_NE(report.find(std::string("**") + (high_wins ? "0.3" : "0.001") + ": "), std::string::npos) << report;
  // --report-only reproduces the same report from the records.
  auto again = run_ofapt("study " + dir + "/spec.json --out " + dir + "/out --report-only");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(read_file(dir + "/out/report.md"), report);
}

TEST(StudyCli, BadSpecsNameTheFileAndTheKey) {
  const std::string dir = testing::fresh_test_dir("study-bad");
  write_file_atomic(dir + "/typo.json", R"({"model": "m", "stpes": 3, "groups": []})");
  auto typo = run_ofapt("study " + dir + "/typo.json");
  EXPECT_EQ(typo.exit_code, 2) << typo.output;
  EXPECT_NE(typo.output.find("typo.json"), std::string::npos) << typo.output;
  write_file_atomic(dir + "/unknown.json", R"({"model": "m", "stpes": 3, "groups": [{"name": "a",
      "tasks": ["snli_ve"], "methods": ["prompt"]}]})");
  auto unknown = run_ofapt("study " + dir + "/unknown.json");
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("unknown key 'stpes'"), std::string::npos) << unknown.output;
  write_file_atomic(dir + "/broken.json", "{\"model\": ");
  auto broken = run_ofapt("study " + dir + "/broken.json");
  EXPECT_NE(broken.exit_code, 0) << broken.output;
  EXPECT_NE(broken.output.find("not valid JSON"), std::string::npos) << broken.output;
  write_file_atomic(dir + "/task.json", R"({"model": "m", "groups": [{"name": "a", "tasks": ["coco"],
      "methods": ["prompt"]}]})");
  auto task = run_ofapt("study " + dir + "/task.json");
  EXPECT_EQ(task.exit_code, 2) << task.output;
  EXPECT_NE(task.output.find("task 'coco'"), std::string::npos) << task.output;
  write_file_atomic(dir + "/device.json", R"({"model": "m", "device": "gpu0", "groups": [{"name": "a",
      "tasks": ["snli_ve"], "methods": ["prompt"]}]})");
  auto device = run_ofapt("study " + dir + "/device.json");
  EXPECT_EQ(device.exit_code, 2) << device.output;
  EXPECT_NE(device.output.find("device.json: device 'gpu0' is not cpu, cuda"), std::string::npos) << device.output;
}

}  // namespace
}  // namespace ofapt
