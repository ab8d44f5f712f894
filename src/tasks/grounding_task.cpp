// Visual grounding (ofa-spec 11, refcoco_dataset.py): the image is resized to S x S, the region is
// scaled with it, divided by max_image_size (512, not S: the reference's quirk) and quantised to
// <bin_k>, k = round(coord · (num_bins − 1)); target "<bin_x0> <bin_y0> <bin_x1> <bin_y1>" + eos.
#include <cmath>

#include "tasks/task_text.h"
#include "tasks/tasks.h"
#include "text/normalize.h"
#include "util/error.h"

namespace ofapt {

TaskExample GroundingTask::parse(const std::vector<std::string>& fields, const std::string& where, bool) const {
  OFAPT_CHECK(fields.size() == 4, ErrorKind::kInput, where, ": grounding rows need id, image, text, region");
  TaskExample out;
  out.example.id = fields[0];
  const auto coords = split_on(fields[3], ",");
  OFAPT_CHECK(coords.size() == 4, ErrorKind::kInput, where, ": region '", fields[3], "' is not x0,y0,x1,y1");
  for (const auto& coord : coords) {
    char* end = nullptr;
    const double value = std::strtod(coord.c_str(), &end);
    OFAPT_CHECK(end != coord.c_str() && *end == '\0' && std::isfinite(value), ErrorKind::kInput, where,
                ": region '", fields[3], "' is not four numbers");
    out.reference.box.push_back(value);
  }
  const auto& box = out.reference.box;
  OFAPT_CHECK(box[0] <= box[2] && box[1] <= box[3], ErrorKind::kInput, where, ": region '", fields[3],
              "' has x1 < x0 or y1 < y0");

  int64_t width = 0, height = 0;
  out.example.image = decode_image_column(fields[1], options_.image_size, where, &width, &height);
  out.reference.w_resize_ratio = static_cast<double>(options_.image_size) / static_cast<double>(width);
  out.reference.h_resize_ratio = static_cast<double>(options_.image_size) / static_cast<double>(height);

  const std::string text = text::pre_caption(fields[2], static_cast<int>(options_.max_source_tokens));
  out.example.source =
      with_bos_eos(encode_text(*tokenizer_, " which region does the text \" " + text + " \" describe?",
                               options_.max_source_tokens));
  const double ratios[4] = {out.reference.w_resize_ratio, out.reference.h_resize_ratio,
                            out.reference.w_resize_ratio, out.reference.h_resize_ratio};
  for (int i = 0; i < 4; ++i) {
    // torch.round rounds half to even, as nearbyint does in the default rounding mode.
    const double normalised = box[i] * ratios[i] / static_cast<double>(options_.max_image_size);
    const auto bin = static_cast<int64_t>(std::nearbyint(normalised * static_cast<double>(options_.num_bins - 1)));
    OFAPT_CHECK(bin >= 0 && bin < options_.num_bins, ErrorKind::kInput, where, ": region '", fields[3],
                "' falls outside the image (bin ", bin, ")");
    out.example.target.push_back(tokenizer_->bin_id(static_cast<int>(bin)));
  }
  out.example.target.push_back(text::OfaVocabulary::kEos);
  return out;
}

}  // namespace ofapt
