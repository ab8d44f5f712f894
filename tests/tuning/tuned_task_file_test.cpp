#include "tuning/tuned_task_file.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "checkpoint/safetensors.h"
#include "tuning/make_method.h"
#include "tuning/tuning_test_util.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt {
namespace {

std::string temp_dir(const std::string& name) {
  std::string dir = std::string(::testing::TempDir()) + "ofapt_tuned_" + name + "_XXXXXX";
  return mkdtemp(dir.data());
}

std::string error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

class TunedFileRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(TunedFileRoundTrip, ReloadsToTheSameOutputs) {
  auto model = testing::make_small_model();
  const ModelFingerprint base = fingerprint_model(model);
  torch::manual_seed(8);
  auto method = attach_method(GetParam(), model);
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, tensor] : method->trainable_tensors()) tensor.add_(torch::randn_like(tensor) * 0.1);
  }
  method->set_training(false);
  const auto batch = testing::make_small_batch();
  auto expected = model->forward(batch.input, batch.prev_tokens, method->prompt(2));

  const std::string dir = temp_dir("roundtrip");
  save_tuned_task(*method, base, dir, {{"task", "toy"}});
  auto task = read_tuned_task(dir);
  EXPECT_EQ(task.config["task"], "toy");
  EXPECT_EQ(task.config["trained_spec"], method->spec());
  EXPECT_EQ(task.config["parameters"].get<int64_t>() > 0, true);

  auto fresh = testing::make_small_model();  // same seed: the same base weights
  auto loaded = load_tuned_task(task, fresh);
  auto actual = fresh->forward(batch.input, batch.prev_tokens, loaded->prompt(2));
  EXPECT_TRUE(torch::allclose(actual, expected, 1e-5, 1e-5)) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Methods, TunedFileRoundTrip,
                         ::testing::Values("prompt:length=3", "prompt:length=2,reparam=mlp,hidden=8,layers=1",
                                           "prompt:length=2,reparam=mlp,hidden=8,gate=zero",
                                           "adapter:dim=4", "bitfit", "lora:rank=2", "finetune"));

TEST(TunedFile, PromptFileHoldsOnlyThePromptTables) {
  auto model = testing::make_small_model();
  auto method = attach_method("prompt:length=6", model);
  const std::string dir = temp_dir("size");
  save_tuned_task(*method, fingerprint_model(model), dir);
  auto tensors = read_safetensors(join_path(dir, kTunedTensorsFile));
  const auto& c = model->config();
  ASSERT_EQ(tensors.size(), 2u);
  EXPECT_EQ(tensors.at("encoder.encoder_prompt_encoder.embedding.weight").sizes(),
            (std::vector<int64_t>{6, 2 * c.encoder_layers * c.d_model}));
  const auto bytes = read_file(join_path(dir, kTunedTensorsFile)).size();
  const auto payload = 2 * 6 * (c.encoder_layers + c.decoder_layers) * c.d_model * 4;
  EXPECT_GE(bytes, static_cast<size_t>(payload));
  EXPECT_LE(bytes, static_cast<size_t>(payload + 1024));  // plus a small header
}

TEST(TunedFile, RefusesAnotherBaseModel) {
  auto model = testing::make_small_model(7);
  auto method = attach_method("prompt:length=2", model);
  const std::string dir = temp_dir("base");
  save_tuned_task(*method, fingerprint_model(model), dir);
  auto task = read_tuned_task(dir);
  auto other_weights = testing::make_small_model(8);
  EXPECT_NE(error_of([&] { load_tuned_task(task, other_weights); }).find("other base weights"), std::string::npos);
  OfaConfig config = model->config();
  config.d_model = 16;
  OfaModel other_shape(config);
  EXPECT_NE(error_of([&] { load_tuned_task(task, other_shape); }).find("another architecture"), std::string::npos);
  // Dropout rates are training settings, not identity.
  EXPECT_EQ(fingerprint_model(model).config_hash, fingerprint_model(model).config_hash);
}

TEST(TunedFile, BrokenDirectoriesGetClearErrors) {
  auto model = testing::make_small_model();
  auto method = attach_method("lora:rank=2", model);
  const std::string dir = temp_dir("broken");
  EXPECT_NE(error_of([&] { read_tuned_task(dir); }).find("adapter_config.json"), std::string::npos);
  save_tuned_task(*method, fingerprint_model(model), dir);
  // A tensors file from another save (or changed by hand) no longer matches the config's hash.
  auto other = attach_method("lora:rank=2,alpha=3", testing::make_small_model(9));
  {
    torch::NoGradGuard no_grad;
    for (auto& [name, tensor] : other->trainable_tensors()) tensor.fill_(0.5);
  }
  write_safetensors(join_path(dir, kTunedTensorsFile), other->export_tensors());
  EXPECT_NE(error_of([&] { read_tuned_task(dir); }).find("tensors_hash"), std::string::npos);
  write_file_atomic(join_path(dir, kTunedConfigFile), "{\"format\": \"something\"}");
  EXPECT_NE(error_of([&] { read_tuned_task(dir); }).find("ofapt-tuned-task"), std::string::npos);
  write_file_atomic(join_path(dir, kTunedConfigFile), "{not json");
  EXPECT_NE(error_of([&] { read_tuned_task(dir); }).find("not a JSON object"), std::string::npos);
}

TEST(TunedFile, WrongTensorShapesNameTheFile) {
  auto model = testing::make_small_model();
  auto method = attach_method("prompt:length=3", model);
  const std::string dir = temp_dir("shapes");
  save_tuned_task(*method, fingerprint_model(model), dir);
  auto task = read_tuned_task(dir);
  task.spec = "prompt:length=4";
  const std::string message = error_of([&] { load_tuned_task(task, testing::make_small_model()); });
  EXPECT_NE(message.find("adapter_model.safetensors"), std::string::npos) << message;
  EXPECT_NE(message.find("shape"), std::string::npos) << message;
}

}  // namespace
}  // namespace ofapt
