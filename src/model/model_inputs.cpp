#include "model/model_inputs.h"

#include <algorithm>
#include <cctype>

#include "image/decode.h"
#include "image/resize.h"
#include "util/error.h"

namespace ofapt {

torch::Tensor image_tensor(const RgbImage& image, int64_t size) {
  OFAPT_CHECK(size > 0 && size <= 16384, ErrorKind::kUsage, "image size ", size, " is out of range");
  const bool same = image.width == size && image.height == size;
  const RgbImage resized = same ? image : resize_bicubic(image, static_cast<int>(size), static_cast<int>(size));
  std::vector<float> pixels = to_normalized_chw(resized);
  return torch::from_blob(pixels.data(), {3, size, size}, torch::kFloat).clone();
}

torch::Tensor load_image_tensor(const std::string& path, int64_t size) { return image_tensor(read_image(path), size); }

torch::Tensor pad_sequences(const std::vector<std::vector<int64_t>>& sequences, int64_t pad) {
  size_t longest = 0;
  for (const auto& sequence : sequences) longest = std::max(longest, sequence.size());
  auto batch = torch::full({static_cast<int64_t>(sequences.size()), static_cast<int64_t>(longest)}, pad, torch::kLong);
  for (size_t i = 0; i < sequences.size(); ++i) {
    std::copy(sequences[i].begin(), sequences[i].end(), batch[i].data_ptr<int64_t>());
  }
  return batch;
}

std::vector<int64_t> parse_id_list(const std::string& text, const std::string& what) {
  std::vector<int64_t> ids;
  size_t pos = 0;
  while (pos < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[pos])) || text[pos] == ',') {
      ++pos;
      continue;
    }
    size_t end = pos;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    OFAPT_CHECK(end > pos && end - pos < 12, ErrorKind::kUsage, what, ": expected non-negative integer ids, got '",
                text.substr(pos, 20), "'");
    ids.push_back(std::stoll(text.substr(pos, end - pos)));
    pos = end;
  }
  OFAPT_CHECK(!ids.empty(), ErrorKind::kUsage, what, ": no ids given");
  return ids;
}

}  // namespace ofapt
