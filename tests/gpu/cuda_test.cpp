// The CUDA path (label gpu; `ctest -L gpu` on a GPU machine, scripts/gpu_check.sh): the model, beam
// search, bf16 training and the data-parallel group on a GPU against the CPU. Every test skips
// where LibTorch sees no GPU, so the suite builds and passes on the CPU-only machines too.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "dist/data_parallel_group.h"
#include "model/generator.h"
#include "model/model_test_util.h"
#include "test_paths.h"
#include "train/trainer.h"
#include "tuning/make_method.h"
#include "util/jsonl_log.h"
#include "util/torch_compat.h"

namespace ofapt {
namespace {

class Cuda : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device (LibTorch sees none)";
  }
  const torch::Device gpu{"cuda:0"};
};

EncoderInput on(const EncoderInput& input, const torch::Device& device) {
  EncoderInput moved = input;
  moved.tokens = input.tokens.to(device);
  moved.images = input.images.to(device);
  return moved;
}

TEST_F(Cuda, ForwardMatchesTheCpuInFloat32) {
  auto model = testing::make_small_model();
  const auto input = testing::make_input({{0, 5, 6, 7, 2}, {0, 9, 2}}, 32, 4);
  const auto prev = torch::tensor({{0, 11, 12}, {0, 13, 14}}, torch::kLong);
  const auto expected = model->forward(input, prev);
  model->to(gpu);
  const auto actual = model->forward(on(input, gpu), prev.to(gpu)).cpu();
  EXPECT_TRUE(torch::allclose(actual, expected, 1e-4, 1e-4)) << (actual - expected).abs().max().item<float>();
}

TEST_F(Cuda, BeamSearchFindsTheCpuHypotheses) {
  auto model = testing::make_small_model();
  const auto input = testing::make_input({{0, 5, 6, 7, 2}}, 32, 4);
  GenerationOptions options;
  options.beam_size = 4;
  options.max_length = 6;
  const auto expected = generate(model, input, options);
  model->to(gpu);
  const auto actual = generate(model, on(input, gpu), options);
  ASSERT_EQ(actual[0].size(), expected[0].size());
  EXPECT_EQ(actual[0][0].tokens, expected[0][0].tokens);
  EXPECT_NEAR(actual[0][0].score, expected[0][0].score, 1e-3);
}

// Prompt tuning under bf16 autocast keeps fp32 master tensors and follows the fp32 CPU curve
// closely; peak GPU memory is reported.
TEST_F(Cuda, Bf16PromptTuningFollowsTheFp32Curve) {
  std::vector<Example> examples;
  torch::manual_seed(3);
  for (int64_t i = 0; i < 32; ++i) {
    Example example;
    example.id = std::to_string(i);
    example.image = torch::rand({3, 32, 32}) * 2 - 1;
    example.source = {0, 20 + i % 4, 30, 31, 2};
    example.target = {200 + 7 * (i % 4), 2};
    examples.push_back(std::move(example));
  }
  const ExampleList data("generated", std::move(examples));
  auto last_loss = [&](const std::string& device, bool bf16) {
    auto model = testing::make_small_model(11);
    model->to(torch::Device(device));
    torch::manual_seed(1);
    auto method = attach_method("prompt:length=4,dropout=0", model);
    TrainerOptions options;
    options.output_dir = testing::binary_path("test-tmp/gpu-" + device.substr(0, 4) + (bf16 ? "-bf16" : "-fp32"));
    std::system(("rm -rf " + options.output_dir).c_str());
    options.max_steps = 20;
    options.batch_size = 8;
    options.log_every = 20;
    options.save_every = 0;
    options.quiet = true;
    options.device = device;
    options.bf16 = bf16;
    tc::reset_cuda_peak_memory(gpu);
    const TrainSummary summary = train_method(*method, data, nullptr, nullptr, options);
    for (const auto& [name, tensor] : method->trainable_tensors()) EXPECT_EQ(tensor.scalar_type(), torch::kFloat32) << name;
    return summary.last_loss;
  };
  const double cpu = last_loss("cpu", false);
  const double gpu_bf16 = last_loss("cuda:0", true);
  EXPECT_GT(tc::cuda_peak_allocated_bytes(gpu), 0);
  ASSERT_TRUE(std::isfinite(gpu_bf16));
  EXPECT_NEAR(gpu_bf16, cpu, 0.05 * cpu);
}

// Gloo all-reduces CUDA tensors through host buffers when NCCL is not built in.
TEST_F(Cuda, DataParallelGroupSumsCudaTensors) {
  if (!data_parallel_available()) GTEST_SKIP() << "built without the Gloo headers";
  const std::string dir = testing::binary_path("test-tmp/gpu-dist");
  std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());
  std::vector<std::thread> ranks;
  std::vector<float> results(2, 0.0f);
  for (int rank = 0; rank < 2; ++rank) {
    ranks.emplace_back([&, rank] {
      DataParallelOptions options;
      options.rank = rank;
      options.world_size = 2;
      options.rendezvous = "file:" + dir + "/store";
      options.device = "cpu";  // Gloo, whatever the tensors' device
      auto group = DataParallelGroup::join(options);
      auto value = torch::full({3}, static_cast<float>(rank + 1), torch::Device("cuda:0"));
      group->sum({value});
      results[rank] = value[0].item<float>();
    });
  }
  for (auto& rank : ranks) rank.join();
  EXPECT_EQ(results[0], 3.0f);
  EXPECT_EQ(results[1], 3.0f);
}

}  // namespace
}  // namespace ofapt
