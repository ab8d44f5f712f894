#include "model/resnet.h"

#include "model/drop_path.h"

namespace ofapt {
namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
  return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

torch::nn::BatchNorm2d batch_norm(int64_t channels) {
  return torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(channels).eps(1e-5).momentum(0.1));
}

}  // namespace

BottleneckImpl::BottleneckImpl(int64_t in_channels, int64_t width, int64_t stride, bool downsample,
                               double drop_path_rate)
    : drop_path_rate_(drop_path_rate) {
  conv1_ = register_module("conv1", conv(in_channels, width, 1, 1, 0));
  bn1_ = register_module("bn1", batch_norm(width));
  conv2_ = register_module("conv2", conv(width, width, 3, stride, 1));
  bn2_ = register_module("bn2", batch_norm(width));
  conv3_ = register_module("conv3", conv(width, 4 * width, 1, 1, 0));
  bn3_ = register_module("bn3", batch_norm(4 * width));
  if (downsample) {
    downsample_ = register_module(
        "downsample", torch::nn::Sequential(conv(in_channels, 4 * width, 1, stride, 0), batch_norm(4 * width)));
  }
}

torch::Tensor BottleneckImpl::forward(const torch::Tensor& x) {
  auto out = torch::relu(bn1_(conv1_(x)));
  out = torch::relu(bn2_(conv2_(out)));
  out = bn3_(conv3_(out));
  auto identity = downsample_ ? downsample_->forward(x) : x;
  return torch::relu(identity + drop_path(out, drop_path_rate_, is_training()));
}

ResNetImpl::ResNetImpl(const std::vector<int64_t>& blocks, double drop_path_rate) {
  conv1_ = register_module("conv1", conv(3, 64, 7, 2, 3));
  bn1_ = register_module("bn1", batch_norm(64));
  int64_t in_channels = 64;
  for (size_t stage = 0; stage < blocks.size(); ++stage) {
    const int64_t width = 64 << stage;
    const int64_t stride = stage == 0 ? 1 : 2;
    const auto rates = torch::linspace(0, drop_path_rate, blocks[stage]);
    torch::nn::Sequential layer;
    for (int64_t block = 0; block < blocks[stage]; ++block) {
      // Block 0 of a stage never drops its path (it changes the shape).
      const double rate = block == 0 ? 0.0 : rates[block].item<double>();
      layer->push_back(Bottleneck(in_channels, width, block == 0 ? stride : 1, block == 0, rate));
      in_channels = 4 * width;
    }
    stages_.push_back(register_module("layer" + std::to_string(stage + 1), layer));
  }
}

torch::Tensor ResNetImpl::forward(const torch::Tensor& pixels) {
  auto x = torch::relu(bn1_(conv1_(pixels)));
  x = torch::max_pool2d(x, /*kernel_size=*/3, /*stride=*/2, /*padding=*/1);
  for (auto& stage : stages_) x = stage->forward(x);
  return x;
}

}  // namespace ofapt
