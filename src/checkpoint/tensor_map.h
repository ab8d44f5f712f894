// TensorMap: named tensors as a checkpoint file holds them, sorted by name.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <string>

namespace ofapt {

using TensorMap = std::map<std::string, at::Tensor>;

}  // namespace ofapt
