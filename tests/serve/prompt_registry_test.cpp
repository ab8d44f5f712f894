// The server's prompt registry: tenants own their tasks, replacements are versioned and never tear a
// prompt in use, files for another base model or method are refused, memory stays within its budget
// (least recently used out, read back on use), and a restarted registry finds every task.
#include "serve/prompt_registry.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tuning/make_method.h"
#include "tuning/tuned_task_file.h"
#include "tuning/tuning_test_util.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt {
namespace {

class PromptRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temporary_.path();
    make_directories(dir_ + "/saved");
    model_ = testing::make_small_model();
    base_ = fingerprint_model(model_);
  }

  // A prompt-tuned task with random tables, saved as a tuned-task directory.
  std::string saved_prompt(const std::string& name, uint64_t seed, const std::string& spec = "prompt:length=4") {
    torch::manual_seed(seed);
    auto method = std::dynamic_pointer_cast<PrefixTuning>(attach_method(spec, model_));
    {
      torch::NoGradGuard no_grad;
      for (auto& [tensor_name, tensor] : method->trainable_tensors()) tensor.normal_(0.0, 0.5);
    }
    const std::string out = dir_ + "/saved/" + name;
    save_tuned_task(*method, base_, out);
    folded_[name] = ServedPrompt::from_method(*method, model_->config());
    return out;
  }

  PromptRegistry registry(int64_t budget = int64_t{1} << 30) {
    PromptRegistryOptions options;
    options.root = dir_ + "/registry";
    options.memory_budget_bytes = budget;
    return PromptRegistry(model_->config(), base_, options);
  }

  static bool same(const ServedPrompt& a, const ServedPrompt& b) {
    if (a.encoder.size() != b.encoder.size() || a.decoder.size() != b.decoder.size()) return false;
    for (const auto& [x, y] : {std::make_pair(&a.encoder, &b.encoder), std::make_pair(&a.decoder, &b.decoder)}) {
      for (size_t i = 0; i < x->size(); ++i) {
        if ((*x)[i].key.defined() != (*y)[i].key.defined()) return false;
        if ((*x)[i].key.defined() &&
            !(torch::equal((*x)[i].key, (*y)[i].key) && torch::equal((*x)[i].value, (*y)[i].value)))
          return false;
      }
    }
    return true;
  }

  TemporaryDirectory temporary_{"prompt-registry"};
  std::string dir_;
  OfaModel model_{nullptr};
  ModelFingerprint base_;
  std::map<std::string, ServedPrompt> folded_;
};

TEST_F(PromptRegistryTest, ServesWhatWasTrainedAndReplacesWithoutTearingPromptsInUse) {
  auto prompts = registry();
  const auto first = prompts.put("alice", "captions", saved_prompt("a1", 1));
  EXPECT_EQ(first.version, 1);
  EXPECT_TRUE(first.resident);
  EXPECT_EQ(first.spec.rfind("prompt:", 0), 0u);
  auto in_use = prompts.acquire("alice", "captions");
  EXPECT_TRUE(same(*in_use, folded_["a1"]));

  const auto second = prompts.put("alice", "captions", saved_prompt("a2", 2));
  EXPECT_EQ(second.version, 2);
  EXPECT_NE(second.tensors_hash, first.tensors_hash);
  EXPECT_TRUE(same(*in_use, folded_["a1"]));  // a batch holding v1 keeps it whole
  RegisteredPrompt served;
  EXPECT_TRUE(same(*prompts.acquire("alice", "captions", &served), folded_["a2"]));
  EXPECT_EQ(served.version, 2);
  EXPECT_EQ(served.tensors_hash, second.tensors_hash);
  EXPECT_FALSE(file_exists(dir_ + "/registry/alice/captions/v1/adapter_config.json"));
  EXPECT_TRUE(file_exists(dir_ + "/registry/alice/captions/v2/adapter_config.json"));
  ASSERT_EQ(prompts.list("alice").size(), 1u);
  EXPECT_EQ(prompts.list("alice")[0].version, 2);

  EXPECT_TRUE(prompts.remove("alice", "captions"));
  EXPECT_FALSE(prompts.remove("alice", "captions"));
  EXPECT_EQ(prompts.size(), 0);
  EXPECT_EQ(prompts.resident_bytes(), 0);
  EXPECT_FALSE(is_directory(dir_ + "/registry/alice/captions"));
}

TEST_F(PromptRegistryTest, TenantsSeeOnlyTheirOwnTasks) {
  auto prompts = registry();
  prompts.put("alice", "vqa", saved_prompt("a", 1));
  prompts.put("bob", "vqa", saved_prompt("b", 2));
  prompts.put("bob", "ground", saved_prompt("c", 3));
  EXPECT_TRUE(same(*prompts.acquire("alice", "vqa"), folded_["a"]));
  EXPECT_TRUE(same(*prompts.acquire("bob", "vqa"), folded_["b"]));
  EXPECT_EQ(prompts.list("alice").size(), 1u);
  EXPECT_EQ(prompts.list("bob").size(), 2u);
  EXPECT_TRUE(prompts.list("carol").empty());
  try {
    prompts.acquire("alice", "ground");
    FAIL() << "alice read bob's task";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound);
  }
  EXPECT_FALSE(prompts.remove("alice", "ground"));
  EXPECT_EQ(prompts.size(), 3);
}

TEST_F(PromptRegistryTest, RefusesOtherModelsOtherMethodsBadFilesAndBadNamesWritingNothing) {
  auto prompts = registry();
  auto kind_of = [&](const std::string& tenant, const std::string& name, const std::string& source) {
    try {
      prompts.put(tenant, name, source);
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::kInternal;  // accepted: not what any case here expects
  };
  const std::string good = saved_prompt("good", 1);

  ModelFingerprint other = base_;
  other.weights_hash = "0000000000000000";
  auto method = attach_method("prompt:length=2", model_);
  save_tuned_task(*method, other, dir_ + "/saved/other-base");
  EXPECT_EQ(kind_of("alice", "x", dir_ + "/saved/other-base"), ErrorKind::kSchema);

  auto lora = attach_method("lora", testing::make_small_model());
  save_tuned_task(*lora, base_, dir_ + "/saved/lora");
  EXPECT_EQ(kind_of("alice", "x", dir_ + "/saved/lora"), ErrorKind::kUsage);

  const std::string torn = dir_ + "/saved/torn";
  make_directories(torn);
  write_file_atomic(torn + "/" + kTunedConfigFile, read_file(good + "/" + kTunedConfigFile));
  const std::string tensors = read_file(good + "/" + kTunedTensorsFile);
  write_file_atomic(torn + "/" + kTunedTensorsFile, tensors.substr(0, tensors.size() / 2));
  EXPECT_EQ(kind_of("alice", "x", torn), ErrorKind::kFormat);
  EXPECT_EQ(kind_of("alice", "x", dir_ + "/saved/none"), ErrorKind::kIo);

  for (const std::string& bad : std::vector<std::string>{"", ".hidden", "a/b", "../up", std::string(65, 'a')}) {
    EXPECT_EQ(kind_of(bad, "x", good), ErrorKind::kUsage) << bad;
    EXPECT_EQ(kind_of("alice", bad, good), ErrorKind::kUsage) << bad;
  }
  EXPECT_EQ(prompts.size(), 0);
  EXPECT_FALSE(is_directory(dir_ + "/registry/alice/x/v1"));
}

TEST_F(PromptRegistryTest, StaysWithinItsMemoryBudgetAndReadsEvictedPromptsBack) {
  const std::string a = saved_prompt("a", 1), b = saved_prompt("b", 2), c = saved_prompt("c", 3);
  const int64_t one = folded_["a"].bytes();
  ASSERT_GT(one, 0);
  auto prompts = registry(2 * one);
  prompts.put("t", "a", a);
  prompts.put("t", "b", b);
  prompts.acquire("t", "a");  // b is now the least recently used
  prompts.put("t", "c", c);
  EXPECT_EQ(prompts.resident_bytes(), 2 * one);
  EXPECT_FALSE(prompts.describe("t", "b").resident);
  EXPECT_TRUE(prompts.describe("t", "a").resident);

  EXPECT_TRUE(same(*prompts.acquire("t", "b"), folded_["b"]));  // read back from disk
  EXPECT_TRUE(prompts.describe("t", "b").resident);
  EXPECT_FALSE(prompts.describe("t", "a").resident);
  EXPECT_LE(prompts.resident_bytes(), 2 * one);
}

TEST_F(PromptRegistryTest, ARestartedRegistryFindsEveryTaskAndDropsLeftovers) {
  {
    auto prompts = registry();
    prompts.put("alice", "vqa", saved_prompt("a", 1));
    prompts.put("alice", "vqa", saved_prompt("a2", 2));
    prompts.put("bob", "caption", saved_prompt("b", 3));
  }
  // A put killed before its rename leaves a temporary; one killed after it, a newer complete version.
  make_directories(dir_ + "/registry/alice/vqa/.tmp-123-0");
  make_directories(dir_ + "/registry/bob/.removed-old-1-2/v1");
  auto prompts = registry();
  EXPECT_EQ(prompts.size(), 2);
  EXPECT_EQ(prompts.describe("alice", "vqa").version, 2);
  EXPECT_FALSE(prompts.describe("alice", "vqa").resident);
  EXPECT_TRUE(same(*prompts.acquire("alice", "vqa"), folded_["a2"]));
  EXPECT_TRUE(same(*prompts.acquire("bob", "caption"), folded_["b"]));
  EXPECT_FALSE(is_directory(dir_ + "/registry/alice/vqa/.tmp-123-0"));
  EXPECT_FALSE(is_directory(dir_ + "/registry/bob/.removed-old-1-2"));
  EXPECT_EQ(prompts.put("alice", "vqa", saved_prompt("a3", 4)).version, 3);

  // A stored config broken behind the server's back: listed, and refused by name when asked for.
  write_file_atomic(dir_ + "/registry/bob/caption/v1/adapter_config.json", "{not json");
  auto reopened = registry();
  EXPECT_EQ(reopened.size(), 2);
  try {
    reopened.acquire("bob", "caption");
    FAIL() << "a broken config was served";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kFormat);
    EXPECT_NE(std::string(e.what()).find("adapter_config.json"), std::string::npos) << e.what();
  }
}

TEST_F(PromptRegistryTest, ReadersDuringRepeatedReplacementsSeeWholeVersionsAndNoErrors) {
  const std::string first = saved_prompt("v1", 1), second = saved_prompt("v2", 2);
  auto prompts = registry(0);  // a zero budget: every acquire between puts reads from disk
  prompts.put("t", "p", first);
  std::atomic<bool> stop{false};
  std::atomic<int64_t> reads{0}, torn{0}, errors{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 3; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        try {
          auto prompt = prompts.acquire("t", "p");
          if (!same(*prompt, folded_["v1"]) && !same(*prompt, folded_["v2"])) ++torn;
          ++reads;
        } catch (const std::exception&) {
          ++errors;
        }
      }
    });
  }
  for (int i = 0; i < 20; ++i) prompts.put("t", "p", i % 2 ? first : second);
  stop = true;
  for (auto& reader : readers) reader.join();
  EXPECT_GT(reads, 0);
  EXPECT_EQ(torn, 0);
  EXPECT_EQ(errors, 0);
  EXPECT_EQ(prompts.describe("t", "p").version, 21);
}

}  // namespace
}  // namespace ofapt
