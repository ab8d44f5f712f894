// Captioning (ofa-spec 11, caption_dataset.py): source " what does the image describe?", target the
// caption without punctuation, at most max_target_tokens words. Evaluation rows keep every
// &&-joined reference caption.
#include "tasks/task_text.h"
#include "tasks/tasks.h"
#include "text/normalize.h"
#include "util/error.h"

namespace ofapt {

std::vector<int> CaptionTask::columns(bool training) const {
  return training ? std::vector<int>{0, 4, 2} : std::vector<int>{1, 4, 2};
}

TaskExample CaptionTask::parse(const std::vector<std::string>& fields, const std::string& where, bool training) const {
  OFAPT_CHECK(fields.size() == 3, ErrorKind::kInput, where, ": caption rows need id, image, caption");
  TaskExample out;
  out.example.id = fields[0];
  out.example.image = decode_image_column(fields[1], options_.image_size, where);
  out.example.source = with_bos_eos(encode_text(*tokenizer_, " what does the image describe?", -1));
  std::vector<std::string> captions;
  for (const auto& caption : split_on(fields[2], "&&")) captions.push_back(text::remove_punctuation(caption));
  OFAPT_CHECK(!captions.empty() && !captions.front().empty(), ErrorKind::kInput, where, ": empty caption");
  if (!training) out.reference.captions = captions;
  // The first caption (the only one in training rows), cut to max_target_tokens words.
  const std::string target = text::join_words(captions.front(), static_cast<int>(options_.max_target_tokens));
  out.example.target = encode_text(*tokenizer_, " " + target, -1);
  out.example.target.push_back(text::OfaVocabulary::kEos);
  return out;
}

}  // namespace ofapt
