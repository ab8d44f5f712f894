// Each task's TSV row -> source, target, loss mask, weights and references, as ofa-spec 11 says.
#include <gtest/gtest.h>

#include "image/base64.h"
#include "image/png_encode.h"
#include "tasks/task_dataset.h"
#include "tasks/tasks.h"
#include "text/ofa_vocabulary.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt {
namespace {

class Tasks : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      tokenizer_ = std::make_shared<text::OfaTokenizer>(text::load_tokenizer(""));
    } catch (const Error& error) {
      GTEST_SKIP() << "no BPE files (run scripts/fetch_bpe.sh): " << error.what();
    }
    image_ = base64_encode(encode_png(RgbImage(64, 32)), Base64Alphabet::kUrlSafe);  // 64 wide, 32 high
  }
  std::vector<int64_t> bpe(const std::string& text) const { return tokenizer_->encode(text); }
  std::vector<int64_t> with_eos(std::vector<int64_t> ids) const {
    ids.push_back(text::OfaVocabulary::kEos);
    return ids;
  }
  std::string error_of(const Task& task, const std::vector<std::string>& fields, bool training = true) const {
    try {
      task.parse(fields, "rows.tsv:7", training);
    } catch (const Error& error) {
      return error.what();
    }
    return "";
  }
  std::shared_ptr<const text::OfaTokenizer> tokenizer_;
  std::string image_;
};

TEST_F(Tasks, CaptionStripsPunctuationAndKeepsEveryReference) {
  TaskOptions options;
  options.image_size = 16;
  options.max_target_tokens = 3;  // words
  auto task = make_task("caption", tokenizer_, options);
  EXPECT_EQ(task->columns(true), (std::vector<int>{0, 4, 2}));
  EXPECT_EQ(task->columns(false), (std::vector<int>{1, 4, 2}));
  const auto train = task->parse({"7", image_, "A man, riding a horse."}, "w", true);
  EXPECT_EQ(train.example.source.front(), 0);
  EXPECT_EQ(train.example.target, with_eos(bpe(" A man riding")));
  EXPECT_EQ(train.example.image.sizes(), (std::vector<int64_t>{3, 16, 16}));
  const auto eval = task->parse({"9", image_, "a dog.&&two dogs!"}, "w", false);
  EXPECT_EQ(eval.reference.captions, (std::vector<std::string>{"a dog", "two dogs"}));
  EXPECT_NE(error_of(*task, {"1", "!!notbase64", "a cat"}).find("rows.tsv:7"), std::string::npos);
}

TEST_F(Tasks, GroundingQuantisesTheScaledBoxByMaxImageSize) {
  TaskOptions options;
  options.image_size = 32;  // w ratio 0.5, h ratio 1
  auto task = make_task("refcoco", tokenizer_, options);
  const auto row = task->parse({"1", image_, "the Left dog", "8,4,40,20"}, "w", true);
  // x0 = 8·0.5/512·999 = 7.80 -> 8; y0 = 4·1/512·999 = 7.80 -> 8; x1 = 40·0.5/512·999 = 39.02 -> 39; y1 = 20/512·999 -> 39
  EXPECT_EQ(row.example.target, (std::vector<int64_t>{tokenizer_->bin_id(8), tokenizer_->bin_id(8),
                                                      tokenizer_->bin_id(39), tokenizer_->bin_id(39), 2}));
  EXPECT_EQ(row.example.source, with_eos([&] {
              std::vector<int64_t> ids{0};
              for (int64_t id : bpe(" which region does the text \" the left dog \" describe?")) ids.push_back(id);
              return ids;
            }()));
  EXPECT_DOUBLE_EQ(row.reference.w_resize_ratio, 0.5);
  EXPECT_EQ(row.reference.box, (std::vector<double>{8, 4, 40, 20}));
  EXPECT_NE(error_of(*task, {"1", image_, "x", "8,4,40"}).find("x0,y0,x1,y1"), std::string::npos);
  EXPECT_NE(error_of(*task, {"1", image_, "x", "8,4,a,5"}).find("four numbers"), std::string::npos);
  EXPECT_NE(error_of(*task, {"1", image_, "x", "40,4,8,20"}).find("x1 < x0"), std::string::npos);
}

TEST_F(Tasks, VqaPredictsTheTopAnswerOnlyWithConfidenceWeightAndTrie) {
  TaskOptions options;
  options.image_size = 16;
  options.answers = {"2", "two", "yes"};
  auto task = make_task("vqa", tokenizer_, options);
  const auto row = task->parse({"q1", image_, "How many dogs", "0.6|!+two&&1.0|!+2", "dog&&grass"}, "w", true);
  std::vector<int64_t> source{0};
  for (int64_t id : bpe(" how many dogs?")) source.push_back(id);
  source.push_back(2);
  EXPECT_EQ(row.example.source, source);
  const auto answer = bpe(" 2");
  // prev_output = source[:-1] + answer; target = prev_output[1:] + eos; loss on answer + eos only.
  std::vector<int64_t> prev(source.begin(), source.end() - 1);
  prev.insert(prev.end(), answer.begin(), answer.end());
  EXPECT_EQ(row.example.prev_output, prev);
  EXPECT_EQ(row.example.target.size(), prev.size());
  EXPECT_EQ(row.example.loss_start, static_cast<int64_t>(source.size()) - 2);
  EXPECT_FLOAT_EQ(row.example.weight, 1.0f);
  EXPECT_EQ(row.reference.answers.at("two"), 0.6);
  // At the first answer position the trie allows the first token of every candidate.
  const auto& first_allowed = row.example.allowed_tokens.at(row.example.loss_start);
  EXPECT_EQ(first_allowed.size(), 3u);
  EXPECT_EQ(row.example.allowed_tokens.back(), (std::vector<int64_t>{2}));
  EXPECT_NE(error_of(*task, {"q", image_, "why", "0.5|two", ""}).find("rows.tsv:7"), std::string::npos);
  EXPECT_NE(error_of(*task, {"q", image_, "why", "1.0|!+banana", ""}).find("not among the candidate"),
            std::string::npos);

  TaskOptions with_objects = options;
  with_objects.add_object = true;
  const auto objects = make_task("vqa", tokenizer_, with_objects)->parse({"q1", image_, "How many dogs", "1.0|!+2", "dog&&grass"}, "w", true);
  EXPECT_EQ(objects.example.source.size(), source.size() + bpe(" object: dog grass").size());
}

TEST_F(Tasks, EntailmentMapsLabelsAndBuildsTheCaptionPrompt) {
  TaskOptions options;
  options.image_size = 16;
  auto task = make_task("snli_ve", tokenizer_, options);
  const auto row = task->parse({"1", image_, "Two dogs run.", "Dogs play outside", "contradiction"}, "w", true);
  std::vector<int64_t> source{0};
  for (int64_t id : bpe(" can image and text1 \" dogs play outside \" imply text2 \" two dogs run. \"?")) source.push_back(id);
  source.push_back(2);
  EXPECT_EQ(row.example.source, source);
  EXPECT_EQ(row.reference.answers, (std::map<std::string, double>{{"no", 1.0}}));
  const auto answer = bpe(" no");
  EXPECT_EQ(std::vector<int64_t>(row.example.target.end() - 1 - answer.size(), row.example.target.end() - 1), answer);
  EXPECT_NE(error_of(*task, {"1", image_, "a", "b", "maybe"}).find("not entailment"), std::string::npos);
}

TEST_F(Tasks, TaskDatasetReadsSelectedColumnsAndNamesTheLine) {
  const std::string path = std::string(::testing::TempDir()) + "ofapt_refcoco.tsv";
  write_file_atomic(path, "1\t100\tthe dog\t8,4,40,20\t" + image_ + "\n\n2\t101\tbad box\t8,4\t" + image_ + "\n");
  TaskOptions options;
  options.image_size = 32;
  TaskDataset data(make_task("refcoco", tokenizer_, options), path, true);
  ASSERT_EQ(data.size(), 2);  // the empty line is not a row
  EXPECT_EQ(data.get(0).id, "1");
  try {
    data.get(1);
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("ofapt_refcoco.tsv:3"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace ofapt
