// The server's batcher on the shipped default model: requests for different prompts answered in one
// pass give what each gets alone (beam-searched captions and candidate-scored answers), requests with
// their own beam size batch apart, a full queue refuses with kUnavailable, and shutting down fails
// what is still queued instead of hanging.
#include "serve/batch_scheduler.h"

#include <gtest/gtest.h>

#include "checkpoint/model_files.h"
#include "tasks/task_dataset.h"
#include "test_paths.h"
#include "tuning/make_method.h"
#include "util/error.h"
#include "util/file.h"
#include "world/world_writer.h"

namespace ofapt {
namespace {

class BatchSchedulerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new TemporaryDirectory("ofapt_scheduler_test");
    world::WorldOptions options;
    options.seed = 5;
    options.train_images = 1;
    options.val_images = 4;  // one caption row per image
    world::write_world(world_->path(), options);
  }
  static void TearDownTestSuite() { delete world_; }

  void SetUp() override {
    const std::string model_dir = testing::source_path("models/nano-world");
    model_ = load_model(model_dir);
    tokenizer_ = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(model_dir));
    // Three different prompts: two lengths in both stacks, and one in the decoder only.
    int seed = 1;
    for (const char* spec : {"prompt:length=4", "prompt:length=7", "prompt:length=3,depth=decoder"}) {
      torch::manual_seed(seed++);
      auto method = std::dynamic_pointer_cast<PrefixTuning>(attach_method(spec, model_));
      {
        torch::NoGradGuard no_grad;
        for (auto& [name, tensor] : method->trainable_tensors()) tensor.normal_(0.0, 0.5);
      }
      prompts_.push_back(std::make_shared<const ServedPrompt>(ServedPrompt::from_method(*method, model_->config())));
    }
  }

  std::shared_ptr<const Task> task(const std::string& name) {
    TaskOptions options;
    options.image_size = 128;
    options.max_image_size = 128;
    if (name == "vqa") {
      std::istringstream answers(read_file(join_path(world_->path(), "answers.txt")));
      for (std::string line; std::getline(answers, line);) options.answers.push_back(line);
    }
    return make_task(name, tokenizer_, options);
  }

  // Rows 0-3 of the task's val file, row r with prompt r (row 2: the bare model).
  std::vector<ServeRequest> requests(const std::string& name) {
    TaskDataset data(task(name), join_path(world_->path(), name + "_val.tsv"), false);
    const std::shared_ptr<const ServedPrompt> per_row[4] = {prompts_[0], prompts_[1], nullptr, prompts_[2]};
    std::vector<ServeRequest> out;
    for (int64_t r = 0; r < 4; ++r) out.push_back({name, data.get_with_reference(r), per_row[r], 0, {}});
    return out;
  }

  BatchScheduler scheduler(const std::string& name, int64_t max_batch, double max_wait_ms = 500.0, int64_t beam = 3) {
    BatchSchedulerOptions options;
    options.max_batch = max_batch;
    options.max_wait_ms = max_wait_ms;
    options.prediction.beam_size = beam;
    options.prediction.caption_max_length = 8;
    return BatchScheduler(model_, {{name, task(name)}}, options);
  }

  static TemporaryDirectory* world_;
  OfaModel model_{nullptr};
  std::shared_ptr<const text::OfaTokenizer> tokenizer_;
  std::vector<std::shared_ptr<const ServedPrompt>> prompts_;
};
TemporaryDirectory* BatchSchedulerTest::world_ = nullptr;

TEST_F(BatchSchedulerTest, AMixedBatchAnswersEachRequestAsItIsAnsweredAlone) {
  for (const std::string name : {"caption", "vqa"}) {
    SCOPED_TRACE(name);
    std::vector<ServeResult> mixed, alone;
    {
      BatchScheduler together = scheduler(name, 8);
      std::vector<std::future<ServeResult>> futures;
      for (auto& request : requests(name)) futures.push_back(together.submit(request));
      for (auto& future : futures) mixed.push_back(future.get());
      EXPECT_EQ(together.stats().batches, 1);
      EXPECT_EQ(together.stats().requests, 4);
    }
    double bare_logprob = 0.0;
    {
      BatchScheduler one_by_one = scheduler(name, 1, 0.0);
      for (auto& request : requests(name)) alone.push_back(one_by_one.submit(request).get());
      ServeRequest bare = requests(name)[0];
      bare.prompt = nullptr;
      bare_logprob = one_by_one.submit(bare).get().prediction.sample.value("logprob", 0.0);
    }
    for (size_t r = 0; r < 4; ++r) {
      EXPECT_EQ(mixed[r].batch_rows, 4);
      EXPECT_EQ(alone[r].batch_rows, 1);
      EXPECT_EQ(mixed[r].prediction.text, alone[r].prediction.text) << "row " << r;
      EXPECT_NEAR(mixed[r].prediction.sample.value("logprob", 0.0), alone[r].prediction.sample.value("logprob", 0.0),
                  1e-4)
          << "row " << r;
    }
    if (name == "vqa") {  // the prompts do act: row 0 scores differently without its prompt
      EXPECT_GT(std::abs(bare_logprob - mixed[0].prediction.sample["logprob"].get<double>()), 1e-3);
    }
  }
}

TEST_F(BatchSchedulerTest, RequestsWithTheirOwnBeamBatchApartAndAreAnsweredWithIt) {
  auto caption = requests("caption");
  const int64_t beams[4] = {0, 1, 1, 3};  // 0: the server's, 3
  std::vector<ServeResult> results;
  {
    BatchScheduler server = scheduler("caption", 8);
    std::vector<std::future<ServeResult>> futures;
    for (int r = 0; r < 4; ++r) {
      caption[r].beam_size = beams[r];
      futures.push_back(server.submit(caption[r]));
    }
    for (auto& future : futures) results.push_back(future.get());
    EXPECT_EQ(server.stats().batches, 2);
  }
  const int64_t answered_with[4] = {3, 1, 1, 3};
  for (int r = 0; r < 4; ++r) EXPECT_EQ(results[r].beam_size, answered_with[r]) << "row " << r;
  EXPECT_EQ(results[1].batch_rows, 2);
  // The beam-1 request is answered as a server whose own beam is 1 answers it.
  BatchScheduler greedy = scheduler("caption", 1, 0.0, 1);
  caption[1].beam_size = 0;
  const ServeResult alone = greedy.submit(caption[1]).get();
  EXPECT_EQ(results[1].prediction.text, alone.prediction.text);
  EXPECT_NEAR(results[1].prediction.sample.value("logprob", 0.0), alone.prediction.sample.value("logprob", 0.0), 1e-4);

  // Scored answers have no beam: the requests still share one batch.
  auto vqa = requests("vqa");
  BatchScheduler scorer = scheduler("vqa", 8);
  std::vector<std::future<ServeResult>> futures;
  for (int r = 0; r < 4; ++r) {
    vqa[r].beam_size = beams[r];
    futures.push_back(scorer.submit(vqa[r]));
  }
  for (auto& future : futures) EXPECT_EQ(future.get().beam_size, 0);
  EXPECT_EQ(scorer.stats().batches, 1);
}

TEST_F(BatchSchedulerTest, AFullQueueRefusesAndShuttingDownFailsWhatIsQueued) {
  auto waiting = requests("caption");
  std::future<ServeResult> queued;
  {
    // A batch that never fills and waits up to a minute: every request stays queued.
    BatchScheduler slow = scheduler("caption", 100000, 60000.0);
    queued = slow.submit(waiting[0]);
    EXPECT_EQ(slow.stats().queued, 1);
    try {
      // max_queue is 1024 by default: fill it and see the 1025th refused.
      for (int i = 0; i < 1023; ++i) slow.submit(waiting[1]);
      EXPECT_EQ(slow.stats().queued, 1024);
      slow.submit(waiting[1]);
      FAIL() << "a full queue accepted a request";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
      EXPECT_NE(std::string(e.what()).find("queue is full"), std::string::npos) << e.what();
    }
    try {
      slow.submit({"vqa", waiting[0].row, nullptr, 0, {}});
      FAIL() << "an unknown task was queued";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    }
  }  // destroyed while the batch still waits
  try {
    queued.get();
    FAIL() << "a queued request was answered by a stopped scheduler";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUnavailable);
  }
}

}  // namespace
}  // namespace ofapt
