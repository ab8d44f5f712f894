// The trainer end to end on a small generated task, in process.
#include "train/trainer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "model/model_test_util.h"
#include "train/lr_range_test.h"
#include "tuning/make_method.h"
#include "tuning/tuned_task_file.h"
#include "util/error.h"
#include "util/jsonl_log.h"

namespace ofapt {
namespace {

std::string temp_dir(const std::string& name) {
  std::string dir = std::string(::testing::TempDir()) + "ofapt_train_" + name + "_XXXXXX";
  return mkdtemp(dir.data());
}

// A frozen model whose output embeddings are spread like a trained model's (a random N(0, 0.02)
// table caps every logit near zero, and no prompt can lower the loss much through it).
OfaModel make_base_model() {
  auto model = testing::make_small_model(11);
  torch::NoGradGuard no_grad;
  model->embed_tokens()->weight.normal_(0.0, 0.5);
  return model;
}

// Four classes: the source names the class, the target is its word and eos.
std::unique_ptr<ExampleList> make_task(int64_t rows, uint64_t seed) {
  torch::manual_seed(seed);
  std::vector<Example> examples;
  for (int64_t i = 0; i < rows; ++i) {
    const int64_t label = i % 4;
    Example example;
    example.id = std::to_string(i);
    example.image = torch::rand({3, 32, 32}) * 2 - 1;
    example.source = {0, 20 + label, 30, 31, 2};
    example.target = {200 + 7 * label, 2};
    examples.push_back(std::move(example));
  }
  return std::make_unique<ExampleList>("generated", std::move(examples));
}

TrainerOptions quick_options(const std::string& dir) {
  TrainerOptions options;
  options.output_dir = dir;
  options.batch_size = 8;
  options.log_every = 10;
  options.save_every = 0;
  options.quiet = true;
  return options;
}

SequenceValidatorOptions short_answers(int64_t beam) {
  SequenceValidatorOptions validation;
  validation.generation.beam_size = beam;
  validation.generation.max_length = 3;
  return validation;
}

std::shared_ptr<TuningMethod> seeded_prompt(OfaModel& model) {
  torch::manual_seed(3);
  return attach_method("prompt:length=8", model);
}

// A length-8 prompt on the base model, the generated task's training and validation rows, and an
// exact-match validator of short answers.
struct PromptSetup {
  explicit PromptSetup(int64_t beam) : method(seeded_prompt(model)), validator(short_answers(beam)) {}
  OfaModel model = make_base_model();
  std::unique_ptr<ExampleList> train = make_task(32, 1);
  std::unique_ptr<ExampleList> valid = make_task(8, 2);
  std::shared_ptr<TuningMethod> method;
  SequenceValidator validator;
};

TEST(Trainer, PromptTuningLowersTheLossAndItsFileReloadsToTheSameScore) {
  PromptSetup setup(/*beam=*/2);
  auto& [model, train, valid, method, validator] = setup;
  auto options = quick_options(temp_dir("e2e"));
  options.max_steps = 200;
  options.valid_every = 100;
  options.learning_rate = 0.1;
  const TrainSummary summary = train_method(*method, *train, valid.get(), &validator, options);
  EXPECT_EQ(summary.steps, 200);
  std::cout << "prompt tuning: loss " << summary.first_loss << " -> " << summary.last_loss << ", best exact match "
            << summary.best_metric << " at step " << summary.best_step << "\n";
  EXPECT_EQ(summary.skipped_steps, 0);
  EXPECT_LT(summary.last_loss, 0.5 * summary.first_loss) << summary.first_loss << " -> " << summary.last_loss;
  EXPECT_GT(summary.feature_cache_hits, 0);  // frozen ResNet features came from the cache after epoch 1
  ASSERT_GE(summary.best_step, 0);

  // The best prompt, reloaded on a fresh copy of the base model, scores what the trainer recorded.
  auto task = read_tuned_task(options.output_dir + "/best");
  auto fresh = make_base_model();
  auto reloaded = load_tuned_task(task, fresh);
  const ValidationResult again = validator.validate(*reloaded, *valid, torch::kCPU);
  EXPECT_DOUBLE_EQ(again.value, summary.best_metric);
  EXPECT_EQ(task.config["valid"]["value"].get<double>(), summary.best_metric);

  // The log has the run start, train records with the fields tools read, and the end.
  const auto records = read_jsonl(options.output_dir + "/train_log.jsonl");
  ASSERT_GE(records.size(), 4u);
  EXPECT_EQ(records.front()["event"], "start");
  EXPECT_EQ(records.back()["event"], "end");
  bool saw_train = false;
  for (const auto& record : records) {
    if (record["event"] != "train") continue;
    saw_train = true;
    for (const char* field : {"step", "epoch", "loss", "lr", "samples_per_second", "grad_norm"}) {
      EXPECT_TRUE(record.contains(field)) << field;
    }
  }
  EXPECT_TRUE(saw_train);
}

// With a rate too small to change the exact-match score, no validation after the first is a new
// best: patience 2 stops the run at the third, the log says so, and a rerun trains no further.
TEST(Trainer, EarlyStoppingEndsARunThatStopsImprovingAndStaysStopped) {
  PromptSetup setup(/*beam=*/1);
  auto& [model, train, valid, method, validator] = setup;
  auto options = quick_options(temp_dir("early_stop"));
  options.max_steps = 100;
  options.valid_every = 5;
  options.early_stop_patience = 2;
  options.learning_rate = 1e-12;
  const TrainSummary summary = train_method(*method, *train, valid.get(), &validator, options);
  EXPECT_TRUE(summary.stopped_early);
  EXPECT_EQ(summary.best_step, 5);
  EXPECT_EQ(summary.steps, 15);
  int stops = 0, validations = 0;
  for (const auto& record : read_jsonl(options.output_dir + "/train_log.jsonl")) {
    stops += record["event"] == "early_stop";
    validations += record["event"] == "valid";
  }
  EXPECT_EQ(stops, 1);
  EXPECT_EQ(validations, 3);  // steps 5, 10, 15; none again at the end

  const TrainSummary again = train_method(*method, *train, valid.get(), &validator, options);
  EXPECT_EQ(again.resumed_from, 15);
  EXPECT_EQ(again.steps, 15);
  EXPECT_TRUE(again.stopped_early);

  auto no_validation = quick_options(temp_dir("early_stop_usage"));
  no_validation.early_stop_patience = 2;
  EXPECT_THROW(train_method(*method, *train, nullptr, nullptr, no_validation), Error);
}

// The range test's rate climbs from min to max, its pick is a tenth of the lowest-loss rate, and
// the method's tensors are exactly as before it.
TEST(Trainer, LearningRateRangeTestPicksARateAndPutsTheTensorsBack) {
  auto model = make_base_model();
  auto train = make_task(32, 1);
  torch::manual_seed(3);
  auto method = attach_method("prompt:length=8", model);
  std::vector<torch::Tensor> before;
  for (auto& [name, tensor] : method->trainable_tensors()) before.push_back(tensor.detach().clone());
  LrRangeOptions range;
  range.steps = 30;
  range.min_lr = 1e-4;
  range.max_lr = 10.0;
  const LrRangeResult result = find_learning_rate(*method, *train, quick_options(temp_dir("lr_range")), range);
  ASSERT_GE(result.curve.size(), 2u);
  EXPECT_NEAR(result.curve[0][0].get<double>(), 1e-4, 1e-12);
  for (size_t i = 1; i < result.curve.size(); ++i) {
    EXPECT_GT(result.curve[i][0].get<double>(), result.curve[i - 1][0].get<double>());
  }
  EXPECT_DOUBLE_EQ(result.learning_rate, result.lowest_loss_lr / 10);
  EXPECT_GT(result.lowest_loss_lr, 1e-4);  // the loss does fall as the rate grows from 1e-4
  size_t i = 0;
  for (auto& [name, tensor] : method->trainable_tensors()) EXPECT_TRUE(torch::equal(tensor, before[i++])) << name;
}

TEST(Trainer, NonFiniteGradientsAreSkippedCountedAndLowerTheRate) {
  auto model = make_base_model();
  auto train = make_task(16, 4);
  torch::manual_seed(5);
  auto method = attach_method("lora:rank=2", model);
  auto options = quick_options(temp_dir("nan"));
  options.max_steps = 8;
  options.log_every = 1;
  options.warmup_steps = 0;
  options.after_backward = [](int64_t step, std::vector<torch::Tensor>& trained) {
    if (step >= 2 && step <= 4) trained.front().grad().fill_(std::nan(""));
  };
  const TrainSummary summary = train_method(*method, *train, nullptr, nullptr, options);
  EXPECT_EQ(summary.skipped_steps, 3);
  for (const auto& [name, tensor] : method->trainable_tensors()) {
    EXPECT_TRUE(torch::isfinite(tensor).all().item<bool>()) << name;
  }
  const auto records = read_jsonl(options.output_dir + "/train_log.jsonl");
  int skips = 0;
  double lr_after = 0.0, lr_before = 0.0;
  for (const auto& record : records) {
    if (record["event"] == "skip") ++skips;
    if (record["event"] == "train" && record["step"] == 1) lr_before = record["lr"].get<double>();
    if (record["event"] == "train" && record["step"] == 6) lr_after = record["lr"].get<double>();
  }
  EXPECT_EQ(skips, 3);
  // Three consecutive skips halve the rate (the schedule itself decays linearly over 8 updates).
  EXPECT_NEAR(lr_after, 0.5 * lr_before * (8.0 - 5) / (8.0 - 0), 1e-12);
}

TEST(Trainer, RefusesToResumeARunWithOtherSettings) {
  auto train = make_task(8, 6);
  auto options = quick_options(temp_dir("identity"));
  options.max_steps = 2;
  {
    auto method = attach_method("prompt:length=2", make_base_model());
    train_method(*method, *train, nullptr, nullptr, options);
  }
  auto other = attach_method("prompt:length=3", make_base_model());
  EXPECT_THROW(train_method(*other, *train, nullptr, nullptr, options), Error);
}

}  // namespace
}  // namespace ofapt
