// The ResNet stem that turns pixels into patch features (ofa-spec section 7): conv/BN/ReLU/maxpool,
// then Bottleneck stages 1-3 only, output [B, 1024, S/16, S/16]. Module names match the checkpoints.
#pragma once

#include <torch/torch.h>

#include <vector>

namespace ofapt {

// Bottleneck V1.5: 1x1 -> 3x3 (stride here) -> 1x1 (x4 channels), residual with optional downsample.
class BottleneckImpl : public torch::nn::Module {
 public:
  BottleneckImpl(int64_t in_channels, int64_t width, int64_t stride, bool downsample, double drop_path_rate);
  torch::Tensor forward(const torch::Tensor& x);

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr}, conv3_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr}, bn2_{nullptr}, bn3_{nullptr};
  torch::nn::Sequential downsample_{nullptr};
  double drop_path_rate_;
};
TORCH_MODULE(Bottleneck);

class ResNetImpl : public torch::nn::Module {
 public:
  // blocks: Bottleneck count of stages 1-3.
  ResNetImpl(const std::vector<int64_t>& blocks, double drop_path_rate);
  torch::Tensor forward(const torch::Tensor& pixels);  // [B,3,S,S] -> [B,1024,S/16,S/16]

  static constexpr int64_t kOutputChannels = 1024;

 private:
  torch::nn::Conv2d conv1_{nullptr};
  torch::nn::BatchNorm2d bn1_{nullptr};
  std::vector<torch::nn::Sequential> stages_;
};
TORCH_MODULE(ResNet);

}  // namespace ofapt
