// Closed-answer tasks (VQA, SNLI-VE; ofa-spec 11): the decoder prompt types and the answer trie.
//   none:        prev_output = [bos] + answer,          decoder prompt [bos]
//   src:         prev_output = source + answer,        decoder prompt = source
//   prev_output: prev_output = source[:-1] + answer,   decoder prompt = source[:-1]
// target = prev_output[1:] + [eos]; every target position before the answer carries no loss.
#include "tasks/task_text.h"
#include "tasks/tasks.h"
#include "util/error.h"

namespace ofapt {

AnswerTask::AnswerTask(std::shared_ptr<const text::OfaTokenizer> tokenizer, TaskOptions options)
    : TaskBase(std::move(tokenizer), std::move(options)) {
  OFAPT_CHECK(options_.prompt_type == "none" || options_.prompt_type == "src" || options_.prompt_type == "prev_output",
              ErrorKind::kUsage, "prompt type '", options_.prompt_type, "' is not none, src or prev_output");
  for (const auto& answer : options_.answers) {
    std::vector<int64_t> ids{text::OfaVocabulary::kBos};
    for (int64_t id : encode_text(*tokenizer_, " " + answer, -1)) ids.push_back(id);
    ids.push_back(text::OfaVocabulary::kEos);
    trie_.insert(ids);
  }
}

void AnswerTask::set_answer(TaskExample& out, const std::string& answer, const std::string& where,
                            bool training) const {
  const auto answer_ids = encode_text(*tokenizer_, " " + answer, options_.max_target_tokens);
  OFAPT_CHECK(!answer_ids.empty(), ErrorKind::kInput, where, ": empty answer");
  const auto& source = out.example.source;
  std::vector<int64_t> prompt;
  if (options_.prompt_type == "none") {
    prompt = {text::OfaVocabulary::kBos};
  } else if (options_.prompt_type == "src") {
    prompt = source;
  } else {
    prompt.assign(source.begin(), source.end() - 1);
  }
  auto& example = out.example;
  example.prev_output = prompt;
  example.prev_output.insert(example.prev_output.end(), answer_ids.begin(), answer_ids.end());
  example.target.assign(example.prev_output.begin() + 1, example.prev_output.end());
  example.target.push_back(text::OfaVocabulary::kEos);
  example.loss_start = static_cast<int64_t>(prompt.size()) - 1;
  out.reference.decoder_prompt = prompt;

  if (trie_.empty() || !training) return;
  // Constrained label smoothing: at each answer position, the trie's next tokens after the answer so far.
  example.allowed_tokens.assign(example.target.size(), {});
  std::vector<int64_t> so_far{text::OfaVocabulary::kBos};
  for (size_t position = example.loss_start; position < example.target.size(); ++position) {
    example.allowed_tokens[position] = trie_.allowed_next(so_far);
    OFAPT_CHECK(!example.allowed_tokens[position].empty(), ErrorKind::kInput, where, ": answer '", answer,
                "' is not among the candidate answers");
    so_far.push_back(example.target[position]);
  }
}

}  // namespace ofapt
