// The synthetic world: deterministic bytes for a seed, OFA layouts that the task readers accept,
// statements that are true of their scene, and the pretraining hold-out.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <set>

#include "image/base64.h"
#include "image/decode.h"
#include "tasks/task_dataset.h"
#include "tasks/tasks.h"
#include "util/error.h"
#include "util/file.h"
#include "util/hash.h"
#include "util/strings.h"
#include "world/language.h"
#include "world/scene.h"
#include "world/world_writer.h"

namespace ofapt::world {
namespace {

std::vector<std::vector<std::string>> read_rows(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& line : split_on(read_file(path), "\n")) {
    if (!line.empty()) rows.push_back(split_on(line, "\t"));
  }
  return rows;
}

// A few images of each split, written once for the whole suite.
class World : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    directory_ = new TemporaryDirectory("ofapt_world_test");
    for (const char* split : {"pretrain", "downstream"}) {
      WorldOptions options;
      options.split = split;
      options.seed = 7;
      options.train_images = 40;
      options.val_images = 8;
      const std::string dir = join_path(directory_->path(), split);
      make_directory(dir);
      write_world(dir, options);
    }
  }
  static void TearDownTestSuite() { delete directory_; }
  static std::string file(const std::string& split, const std::string& name) {
    return join_path(join_path(directory_->path(), split), name);
  }
  static TemporaryDirectory* directory_;
};
TemporaryDirectory* World::directory_ = nullptr;

TEST_F(World, ASeedFixesEveryPixelAndWord) {
  // Pixels before JPEG coding, and the text columns: independent of platform and libjpeg.
  WorldOptions options;
  options.seed = 7;
  const uint64_t seed = image_seed(options, WorldPart::kTrain, 0);
  const Scene scene = make_scene(derive_seed(seed, 0), 128);
  const RgbImage pixels = render_scene(scene, derive_seed(seed, 1));
  EXPECT_EQ(Hash64().update(std::string(pixels.pixels.begin(), pixels.pixels.end())).hex(), "2761e3473d897920");
  const auto refcoco = read_rows(file("downstream", "refcoco_val.tsv"));
  EXPECT_EQ(refcoco[0][0] + "|" + refcoco[0][1] + "|" + refcoco[0][2] + "|" + refcoco[0][3],
            "250000000|25000000|the large white square|69,32,103,66");
  EXPECT_EQ(refcoco[1][2] + "|" + refcoco[1][3], "the triangle left of the purple shape|21,30,61,70");
  EXPECT_EQ(refcoco[2][2] + "|" + refcoco[2][3], "the leftmost square|23,16,41,34");
  const auto vqa = read_rows(file("downstream", "vqa_train.tsv"));
  EXPECT_EQ(vqa[1][2] + "|" + vqa[1][3] + "|" + vqa[1][4], "how many blue shapes are there?|1.0|!+0&&0.3|!+5|square&&triangle");
  const auto snli = read_rows(file("downstream", "snli_ve_train.tsv"));
  EXPECT_EQ(snli[0][3] + "|" + snli[0][4] + "|" + snli[0][5], "there are four shapes and the white shape is wet|shapes on a checkered background|contradiction");
  const auto caption = read_rows(file("pretrain", "caption_train.tsv"));
  EXPECT_EQ(caption[2][2], "a red diamond above a blue diamond and one other shape");
  const auto downstream_caption = read_rows(file("downstream", "caption_train.tsv"));
  EXPECT_EQ(downstream_caption[0][2], "a picture with one square and one triangle");
  EXPECT_EQ(downstream_caption[3][2], "a white triangle on the left and a yellow square on the right");
  // The stored JPEG decodes to those pixels, up to coding noise.
  const auto train_caption = read_rows(file("downstream", "caption_train.tsv"));
  const RgbImage decoded = decode_image(base64_decode(train_caption[0][4], "image"), "image");
  ASSERT_EQ(decoded.width, 128);
  double error = 0;
  for (size_t i = 0; i < decoded.pixels.size(); ++i) error += std::abs(decoded.pixels[i] - pixels.pixels[i]);
  EXPECT_LT(error / static_cast<double>(decoded.pixels.size()), 4.0);
}

TEST_F(World, RewritingWithTheSameSeedGivesTheSameBytes) {
  WorldOptions options;
  options.seed = 7;
  options.train_images = 40;
  options.val_images = 8;
  TemporaryDirectory again("ofapt_world_again");
  write_world(again.path(), options);
  for (const char* name : {"caption_train.tsv", "refcoco_val.tsv", "vqa_train.tsv", "snli_ve_val.tsv", "answers.txt"}) {
    EXPECT_EQ(read_file(join_path(again.path(), name)), read_file(file("downstream", name))) << name;
  }
  options.seed = 8;
  TemporaryDirectory other("ofapt_world_other");
  write_world(other.path(), options);
  EXPECT_NE(read_file(join_path(other.path(), "vqa_train.tsv")), read_file(file("downstream", "vqa_train.tsv")));
}

TEST_F(World, ATestPartAddsHeldOutImagesAndChangesNoOtherFile) {
  WorldOptions options;
  options.seed = 7;
  options.train_images = 40;
  options.val_images = 8;
  options.test_images = 5;
  TemporaryDirectory with_test("ofapt_world_test_part");
  write_world(with_test.path(), options);
  for (const char* name : {"caption_train.tsv", "caption_val.tsv", "refcoco_train.tsv", "refcoco_val.tsv",
                           "vqa_train.tsv", "vqa_val.tsv", "snli_ve_train.tsv", "snli_ve_val.tsv"}) {
    EXPECT_EQ(read_file(join_path(with_test.path(), name)), read_file(file("downstream", name))) << name;
  }
  // One caption row per test image (every reference), like val; no image is also a val image.
  const auto test_captions = read_rows(join_path(with_test.path(), "caption_test.tsv"));
  ASSERT_EQ(test_captions.size(), 5u);
  std::set<std::string> val_images;
  for (const auto& row : read_rows(file("downstream", "caption_val.tsv"))) val_images.insert(row[4]);
  for (const auto& row : test_captions) {
    EXPECT_EQ(val_images.count(row[4]), 0u);
    EXPECT_EQ(row[1].substr(1, 1), "7") << row[1];  // test ids are x7xxxxxx
  }
  EXPECT_EQ(read_rows(join_path(with_test.path(), "vqa_test.tsv")).size(), 15u);  // 3 questions per image
  // world.json names the part only when there is one, so older worlds still match.
  const auto manifest = nlohmann::json::parse(read_file(join_path(with_test.path(), "world.json")));
  EXPECT_EQ(manifest.value("test_images", 0), 5);
  EXPECT_FALSE(nlohmann::json::parse(read_file(file("downstream", "world.json"))).contains("test_images"));
  // Nor is a world with a test part reused where none is asked for (its test files would switch on
  // the study's test protocol), or the reverse.
  WorldOptions without_test = options;
  without_test.test_images = 0;
  EXPECT_THROW(ensure_world(with_test.path(), without_test), Error);
}

TEST_F(World, EveryFileReadsThroughTheTaskReaders) {
  std::shared_ptr<const text::OfaTokenizer> tokenizer;
  try {
    tokenizer = std::make_shared<text::OfaTokenizer>(text::load_tokenizer(""));
  } catch (const Error& error) {
    GTEST_SKIP() << "no BPE files (run scripts/fetch_bpe.sh): " << error.what();
  }
  TaskOptions options;
  options.image_size = 64;
  options.max_image_size = 128;
  for (const auto& line : split_on(read_file(file("downstream", "answers.txt")), "\n")) {
    if (!line.empty()) options.answers.push_back(line);
  }
  for (const char* name : {"caption", "refcoco", "vqa", "snli_ve"}) {
    TaskOptions task_options = options;
    if (std::string(name) == "snli_ve") task_options.answers.clear();  // its own yes/no/maybe
    std::shared_ptr<const Task> task = make_task(name, tokenizer, task_options);
    for (const bool training : {true, false}) {
      const std::string path = file("downstream", std::string(name) + (training ? "_train.tsv" : "_val.tsv"));
      const TaskDataset data(task, path, training);
      ASSERT_GT(data.size(), 0) << path;
      for (int64_t i = 0; i < data.size(); ++i) {
        const TaskExample row = data.get_with_reference(i);  // throws, naming file:line, on a bad row
        EXPECT_EQ(row.example.image.size(1), 64);
        if (!training && std::string(name) == "caption") EXPECT_EQ(row.reference.captions.size(), 5u);
        if (std::string(name) == "refcoco") {
          // The box target is 4 location tokens + eos.
          EXPECT_EQ(row.example.target.size(), 5u);
        }
      }
    }
  }
}

TEST_F(World, AnswersComeFromTheCandidateListAndConfidencesAreVqaScores) {
  const auto candidates = candidate_answers();
  const std::set<std::string> known(candidates.begin(), candidates.end());
  for (const char* split : {"pretrain", "downstream"}) {
    for (const auto& row : read_rows(file(split, "vqa_train.tsv"))) {
      ASSERT_EQ(row.size(), 6u);
      for (const auto& item : split_on(row[3], "&&")) {
        const auto parts = split_on(item, "|!+");
        ASSERT_EQ(parts.size(), 2u) << item;
        EXPECT_TRUE(known.count(parts[1])) << parts[1];
        EXPECT_TRUE(parts[0] == "0.3" || parts[0] == "0.6" || parts[0] == "0.9" || parts[0] == "1.0") << parts[0];
      }
    }
  }
  std::map<std::string, int> labels;
  for (const auto& row : read_rows(file("downstream", "snli_ve_train.tsv"))) ++labels[row[5]];
  EXPECT_EQ(labels.size(), 3u);
  EXPECT_EQ(labels["entailment"], labels["contradiction"]);
  EXPECT_EQ(labels["entailment"], labels["neutral"]);
}

TEST_F(World, EntailmentLabelsNeedThePicture) {
  // The premise is the same for an image's three rows, and an unknowable clause ("... is wet")
  // marks every neutral but also some contradictions: neither text gives a label away.
  std::map<std::string, std::set<std::string>> premises_of_image;
  std::map<std::string, std::map<bool, int>> unknowable_by_label;
  for (const auto& row : read_rows(file("downstream", "snli_ve_train.tsv"))) {
    premises_of_image[row[1]].insert(row[4]);
    bool unknowable = false;
    for (const char* property : {"heavy", "made of wood", "warm", "spinning", "brand new", "wet", "made of glass", "soft"}) {
      unknowable = unknowable || ends_with(row[3], std::string(" is ") + property);
    }
    ++unknowable_by_label[row[5]][unknowable];
  }
  for (const auto& [image, premises] : premises_of_image) EXPECT_EQ(premises.size(), 1u) << image;
  EXPECT_EQ(unknowable_by_label["entailment"][true], 0);
  EXPECT_EQ(unknowable_by_label["neutral"][false], 0);
  EXPECT_GT(unknowable_by_label["contradiction"][true], 5);
  EXPECT_GT(unknowable_by_label["contradiction"][false], 5);
}

TEST_F(World, PretrainingHoldsOutQuestionTypesRelationsAndEntailment) {
  EXPECT_FALSE(file_exists(file("pretrain", "snli_ve_train.tsv")));
  EXPECT_TRUE(file_exists(file("downstream", "snli_ve_train.tsv")));
  auto mentions_held_out = [](const std::string& text) {
    for (const char* word : {"left of", "right of", "above", "below", "larger", "smaller", "more", "not",
                             "leftmost", "rightmost", "topmost", "lowest"}) {
      if (text.find(word) != std::string::npos) return true;
    }
    return false;
  };
  int pretrain_held_out = 0, downstream_held_out = 0;
  for (const char* name : {"vqa_train.tsv", "refcoco_train.tsv"}) {
    for (const auto& row : read_rows(file("pretrain", name))) pretrain_held_out += mentions_held_out(row[2]);
    for (const auto& row : read_rows(file("downstream", name))) downstream_held_out += mentions_held_out(row[2]);
  }
  EXPECT_EQ(pretrain_held_out, 0);
  EXPECT_GT(downstream_held_out, 10);
  // Downstream captions are in styles pretraining never writes, and the reverse.
  for (const auto& row : read_rows(file("pretrain", "caption_train.tsv"))) {
    EXPECT_EQ(row[2].find("the smallest shape is"), std::string::npos) << row[2];
    EXPECT_EQ(row[2].find("on the left and"), std::string::npos) << row[2];
  }
  for (const auto& row : read_rows(file("downstream", "caption_train.tsv"))) {
    EXPECT_EQ(row[2].find("shapes:"), std::string::npos) << row[2];
    EXPECT_EQ(row[2].find("the biggest"), std::string::npos) << row[2];
    EXPECT_EQ(row[2].find("background"), std::string::npos) << row[2];
  }
  // Different images: the two splits draw from different seed streams.
  EXPECT_NE(read_rows(file("pretrain", "caption_val.tsv"))[0][4], read_rows(file("downstream", "caption_val.tsv"))[0][4]);
}

TEST(WorldLanguage, ExpressionsNameOneObjectAndBoxesLieInsideTheImage) {
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const Scene scene = make_scene(seed, 128);
    ASSERT_GE(scene.objects.size(), 2u);
    for (const auto& object : scene.objects) {
      EXPECT_GE(object.x0(), 0);
      EXPECT_GE(object.y0(), 0);
      EXPECT_LE(object.x1(), 128);
      EXPECT_LE(object.y1(), 128);
    }
    SplitMix64 rng(seed);
    for (const auto& expression : referring_expressions(scene, rng, 3, false)) {
      // An attribute expression: the objects with every named attribute are exactly the target.
      int matching = 0;
      for (const auto& object : scene.objects) {
        bool all = true;
        if (expression.text.find(shape_name(object.shape)) == std::string::npos &&
            expression.text.find(" shape") == std::string::npos) {
          all = false;
        }
        for (int c = 0; c < kColorCount; ++c) {
          if (expression.text.find(color_name(c)) != std::string::npos && object.color != c) all = false;
        }
        for (const char* size : {"small", "large"}) {
          if (expression.text.find(size) != std::string::npos && (object.large != (std::string(size) == "large"))) {
            all = false;
          }
        }
        for (const auto& shape : shape_names()) {
          if (expression.text.find(shape) != std::string::npos && shape_name(object.shape) != shape) all = false;
        }
        matching += all;
      }
      EXPECT_EQ(matching, 1) << expression.text;
    }
  }
}

// World version 3: downstream grounding is mostly of the kinds pretraining never sees, and every
// superlative is true of its target (it beats every other shape it names by the relation's margin).
TEST(WorldLanguage, DownstreamExpressionsAreMostlyHeldOutKindsAndTrue) {
  std::map<ExpressionKind, int> kinds;
  int expressions = 0;
  for (uint64_t seed = 0; seed < 300; ++seed) {
    const Scene scene = make_scene(seed, 128);
    SplitMix64 rng(seed);
    const auto drawn = held_out_referring_expressions(scene, rng, 2);
    std::set<std::string> texts;
    for (const auto& expression : drawn) {
      ++kinds[expression.kind];
      ++expressions;
      EXPECT_TRUE(texts.insert(expression.text).second) << "said twice: " << expression.text;
      if (expression.kind != ExpressionKind::kSuperlative) continue;
      const SceneObject& target = scene.objects.at(expression.target);
      const std::string& text = expression.text;
      const bool any_shape = text.size() > 6 && text.substr(text.size() - 6) == " shape";
      for (const auto& other : scene.objects) {
        if (&other == &target || (!any_shape && other.shape != target.shape)) continue;
        if (expression.text.find("leftmost") != std::string::npos) EXPECT_LT(target.cx, other.cx) << expression.text;
        if (expression.text.find("rightmost") != std::string::npos) EXPECT_GT(target.cx, other.cx) << expression.text;
        if (expression.text.find("topmost") != std::string::npos) EXPECT_LT(target.cy, other.cy) << expression.text;
        if (expression.text.find("lowest") != std::string::npos) EXPECT_GT(target.cy, other.cy) << expression.text;
      }
    }
  }
  ASSERT_GT(expressions, 500);
  const double held_out = double(kinds[ExpressionKind::kRelation] + kinds[ExpressionKind::kSuperlative]) / expressions;
  EXPECT_GT(held_out, 0.65);
  EXPECT_LT(held_out, 0.85);
  EXPECT_GT(kinds[ExpressionKind::kSuperlative], expressions / 8);
  EXPECT_GT(kinds[ExpressionKind::kRelation], expressions / 4);
}

// The downstream styles say what the scene holds: counts by shape and colour, the smallest, the
// extremes left/right and top/bottom.
TEST(WorldLanguage, DownstreamCaptionsDescribeTheScene) {
  Scene scene;
  scene.objects = {{Shape::kCircle, 0, true, 20, 90, 14},    // red, left, low
                   {Shape::kSquare, 2, false, 100, 60, 8},   // blue, right, smallest
                   {Shape::kCircle, 2, true, 60, 20, 12}};   // blue, top
  EXPECT_EQ(downstream_captions(scene),
            (std::vector<std::string>{"a picture with one square and two circles",
                                      "one red shape and two blue shapes",
                                      "the smallest shape is a small blue square",
                                      "a red circle on the left and a blue square on the right",
                                      "a blue circle at the top and a red circle at the bottom"}));
}

TEST(WorldOptionsCheck, AWorldIsWrittenOnceAndNeverReusedForOtherOptions) {
  TemporaryDirectory dir("ofapt_world_ensure");
  const std::string world = join_path(dir.path(), "world");
  WorldOptions options;
  options.train_images = 2;
  options.val_images = 1;
  EXPECT_TRUE(ensure_world(world, options));
  const std::string written = read_file(join_path(world, "vqa_train.tsv"));
  EXPECT_FALSE(ensure_world(world, options));
  EXPECT_EQ(read_file(join_path(world, "vqa_train.tsv")), written);
  options.seed = 2;
  try {
    ensure_world(world, options);
    ADD_FAILURE() << "a world of another seed was reused";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(error.what()).find("world.json: this world has seed 1, the one asked for has 2"),
              std::string::npos) << error.what();
  }
  // A world written by an older ofapt (version 1: pretraining's caption styles downstream too).
  options.seed = 1;
  auto manifest = nlohmann::json::parse(read_file(join_path(world, "world.json")));
  manifest["version"] = 1;
  write_file_atomic(join_path(world, "world.json"), manifest.dump());
  EXPECT_THROW(ensure_world(world, options), Error);
}

TEST(WorldOptionsCheck, BadOptionsAreUsageErrors) {
  TemporaryDirectory dir("ofapt_world_bad");
  WorldOptions options;
  options.split = "finetune";
  EXPECT_THROW(write_world(dir.path(), options), Error);
  options.split = "pretrain";
  options.train_images = 0;
  EXPECT_THROW(write_world(dir.path(), options), Error);
  options.train_images = 1;
  EXPECT_THROW(write_world(join_path(dir.path(), "missing"), options), Error);
}

}  // namespace
}  // namespace ofapt::world
