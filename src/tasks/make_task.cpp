#include "tasks/tasks.h"
#include "util/error.h"

namespace ofapt {

const std::vector<std::string>& task_names() {
  static const std::vector<std::string> names = {"caption", "refcoco", "vqa", "snli_ve"};
  return names;
}

std::unique_ptr<Task> make_task(const std::string& name, std::shared_ptr<const text::OfaTokenizer> tokenizer,
                                TaskOptions options) {
  if (name == "caption") return std::make_unique<CaptionTask>(std::move(tokenizer), std::move(options));
  if (name == "refcoco" || name == "refcoco+" || name == "refcocog") {
    return std::make_unique<GroundingTask>(std::move(tokenizer), std::move(options));
  }
  if (name == "vqa") return std::make_unique<VqaTask>(std::move(tokenizer), std::move(options));
  if (name == "snli_ve") return std::make_unique<EntailmentTask>(std::move(tokenizer), std::move(options));
  throw Error(ErrorKind::kUsage, str("unknown task '", name, "' (caption, refcoco, refcoco+, refcocog, vqa, snli_ve)"));
}

}  // namespace ofapt
