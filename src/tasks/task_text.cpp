#include "tasks/task_text.h"

#include "image/base64.h"
#include "image/decode.h"
#include "model/model_inputs.h"
#include "text/ofa_vocabulary.h"

namespace ofapt {

std::vector<int64_t> encode_text(const text::OfaTokenizer& tokenizer, const std::string& text, int64_t max_tokens) {
  auto ids = tokenizer.encode_with_symbols(text);
  if (max_tokens >= 0 && static_cast<int64_t>(ids.size()) > max_tokens) ids.resize(max_tokens);
  return ids;
}

std::vector<int64_t> with_bos_eos(const std::vector<int64_t>& ids) {
  std::vector<int64_t> out{text::OfaVocabulary::kBos};
  out.insert(out.end(), ids.begin(), ids.end());
  out.push_back(text::OfaVocabulary::kEos);
  return out;
}

torch::Tensor decode_image_column(const std::string& column, int64_t size, const std::string& where, int64_t* width,
                                  int64_t* height) {
  const RgbImage image = decode_image(base64_decode(column, where + " image"), where + " image");
  if (width != nullptr) *width = image.width;
  if (height != nullptr) *height = image.height;
  return image_tensor(image, size);
}

}  // namespace ofapt
