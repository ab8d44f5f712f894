// Turning user inputs into model tensors: images to normalised pixels, id lists to padded batches.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "image/rgb_image.h"

namespace ofapt {

// [3, S, S] float pixels (v/255 - 0.5)/0.5 of `image` resized to S x S with Pillow-exact bicubic
// (no resampling when it already is S x S).
torch::Tensor image_tensor(const RgbImage& image, int64_t size);
torch::Tensor load_image_tensor(const std::string& path, int64_t size);

// [B, max_len] int64, right-padded with `pad`.
torch::Tensor pad_sequences(const std::vector<std::vector<int64_t>>& sequences, int64_t pad);

// Parses "0 523 89 2" (spaces and/or commas) into ids; throws Error(kUsage) naming `what` on junk.
std::vector<int64_t> parse_id_list(const std::string& text, const std::string& what);

}  // namespace ofapt
