// VQA v2 (ofa-spec 11, vqa_gen_dataset.py): source " {question}?" (+ " object: o1 o2 ..."), the
// training answer is the highest-confidence one, weighted by its confidence.
#include "metrics/vqa_accuracy.h"
#include "tasks/task_text.h"
#include "tasks/tasks.h"
#include "text/normalize.h"
#include "util/error.h"

namespace ofapt {

TaskExample VqaTask::parse(const std::vector<std::string>& fields, const std::string& where, bool training) const {
  OFAPT_CHECK(fields.size() == 5, ErrorKind::kInput, where, ": VQA rows need id, image, question, answers, objects");
  TaskExample out;
  out.example.id = fields[0];
  out.example.image = decode_image_column(fields[1], options_.image_size, where);
  std::string question = text::pre_question(fields[2], static_cast<int>(options_.max_source_tokens));
  if (question.empty() || question.back() != '?') question += "?";
  auto source = encode_text(*tokenizer_, " " + question, options_.max_source_tokens);
  if (options_.add_object && !fields[4].empty()) {
    auto objects = split_on(fields[4], "&&");
    if (objects.size() > 30) objects.resize(30);
    std::string joined;
    for (const auto& object : objects) joined += (joined.empty() ? "" : " ") + object;
    for (int64_t id : encode_text(*tokenizer_, " object: " + joined, -1)) source.push_back(id);
  }
  out.example.source = with_bos_eos(source);

  try {
    out.reference.answers = parse_vqa_answers(fields[3]);
  } catch (const Error& error) {
    throw Error(ErrorKind::kInput, str(where, ": ", error.what()));
  }
  OFAPT_CHECK(!out.reference.answers.empty(), ErrorKind::kInput, where, ": no answers");
  // The reference takes max(ref_dict, key=ref_dict.get): the first answer in column order with the
  // top confidence (a repeated answer keeps its first place and its last confidence, as a dict does).
  std::string best;
  double best_confidence = -1.0;
  for (const auto& item : split_on(fields[3], "&&")) {
    const std::string answer = item.substr(item.find("|!+") + 3);
    const double confidence = out.reference.answers.at(answer);
    if (confidence > best_confidence) {
      best = answer;
      best_confidence = confidence;
    }
  }
  out.example.weight = static_cast<float>(best_confidence);
  set_answer(out, best, where, training);
  return out;
}

}  // namespace ofapt
