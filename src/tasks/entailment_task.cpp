// SNLI-VE (ofa-spec 11, snli_ve_dataset.py): entailment -> "yes", contradiction -> "no",
// neutral -> "maybe"; source ' can image and text1 " {premise} " imply text2 " {hypothesis} "?'
// (or ' does the image describe " {hypothesis} "?' without the caption).
#include "tasks/task_text.h"
#include "tasks/tasks.h"
#include "text/normalize.h"
#include "util/error.h"

namespace ofapt {
namespace {

TaskOptions with_label_answers(TaskOptions options) {
  if (options.answers.empty()) options.answers = {"no", "yes", "maybe"};
  return options;
}

}  // namespace

EntailmentTask::EntailmentTask(std::shared_ptr<const text::OfaTokenizer> tokenizer, TaskOptions options)
    : AnswerTask(std::move(tokenizer), with_label_answers(std::move(options))) {}

TaskExample EntailmentTask::parse(const std::vector<std::string>& fields, const std::string& where, bool training) const {
  OFAPT_CHECK(fields.size() == 5, ErrorKind::kInput, where,
              ": SNLI-VE rows need id, image, hypothesis, caption, label");
  static const std::map<std::string, std::string> kAnswers = {
      {"entailment", "yes"}, {"contradiction", "no"}, {"neutral", "maybe"}};
  const auto label = kAnswers.find(fields[4]);
  OFAPT_CHECK(label != kAnswers.end(), ErrorKind::kInput, where, ": label '", fields[4],
              "' is not entailment, contradiction or neutral");
  TaskExample out;
  out.example.id = fields[0];
  out.example.image = decode_image_column(fields[1], options_.image_size, where);
  const int words = static_cast<int>(options_.max_source_tokens);
  const std::string hypothesis = text::pre_caption(fields[2], words);
  const std::string prompt =
      options_.add_caption
          ? " can image and text1 \" " + text::pre_caption(fields[3], words) + " \" imply text2 \" " + hypothesis + " \"?"
          : " does the image describe \" " + hypothesis + " \"?";
  out.example.source = with_bos_eos(encode_text(*tokenizer_, prompt, options_.max_source_tokens));
  out.reference.answers = {{label->second, 1.0}};
  set_answer(out, label->second, where, training);
  return out;
}

}  // namespace ofapt
