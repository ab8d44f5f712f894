// Shared pieces of the task readers: tokenizing as OFA's encode_text does, images from base64.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "text/ofa_tokenizer.h"
#include "util/strings.h"

namespace ofapt {

// BPE ids of `text` (with vocabulary symbols kept whole), at most `max_tokens` of them.
std::vector<int64_t> encode_text(const text::OfaTokenizer& tokenizer, const std::string& text, int64_t max_tokens);

// [bos] + ids + [eos]
std::vector<int64_t> with_bos_eos(const std::vector<int64_t>& ids);

// A base64 (URL-safe or standard) JPEG/PNG column decoded and resized to size x size; the original
// width and height come back through the pointers when given. Throws Error(kInput) naming `where`.
torch::Tensor decode_image_column(const std::string& column, int64_t size, const std::string& where,
                                  int64_t* width = nullptr, int64_t* height = nullptr);

}  // namespace ofapt
