// The device a command runs on, from its text ("cpu", "cuda", "cuda:1"), checked against what this
// build and machine have, so a bad --device or spec "device" is a usage error naming where it came
// from rather than a LibTorch exception deep in a run.
#pragma once

#include <torch/torch.h>

#include <string>

namespace ofapt {

// Throws Error(kUsage) naming `where` for text that is not a device, or a CUDA device this
// LibTorch build or machine does not have.
torch::Device parse_device(const std::string& text, const std::string& where);

}  // namespace ofapt
