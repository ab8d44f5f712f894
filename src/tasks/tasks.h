// The four task families of the paper. Each class is implemented in its own file.
#pragma once

#include "tasks/task.h"

namespace ofapt {

class TaskBase : public Task {
 public:
  TaskBase(std::shared_ptr<const text::OfaTokenizer> tokenizer, TaskOptions options)
      : Task(std::move(tokenizer), std::move(options)) {}
};

// COCO captions: TSV uniq-id, image-id, caption, objects, image (train cols 0,4,2; eval 1,4,2).
class CaptionTask : public TaskBase {
 public:
  using TaskBase::TaskBase;
  std::string name() const override { return "caption"; }
  std::vector<int> columns(bool training) const override;
  TaskExample parse(const std::vector<std::string>& fields, const std::string& where, bool training) const override;
};

// RefCOCO/+/g: TSV uniq-id, image-id, text, region x0,y0,x1,y1, image (cols 0,4,2,3).
class GroundingTask : public TaskBase {
 public:
  using TaskBase::TaskBase;
  std::string name() const override { return "refcoco"; }
  std::vector<int> columns(bool) const override { return {0, 4, 2, 3}; }
  TaskExample parse(const std::vector<std::string>& fields, const std::string& where, bool training) const override;
};

// Closed-answer generation shared by VQA and SNLI-VE: decoder prompt types, loss on the answer only,
// the answer trie for constrained label smoothing.
class AnswerTask : public TaskBase {
 public:
  AnswerTask(std::shared_ptr<const text::OfaTokenizer> tokenizer, TaskOptions options);

  const SequenceTrie& trie() const { return trie_; }

 protected:
  // Fills source-dependent decoder input, target, loss_start, allowed tokens and the decoder prompt.
  // Training rows need their answer among the candidates (the trie mask); evaluation rows do not.
  void set_answer(TaskExample& out, const std::string& answer, const std::string& where, bool training) const;

  SequenceTrie trie_;  // [bos] answer [eos] of every candidate
};

// VQA v2: TSV question-id, image-id, question, answers conf|!+ans&&..., objects, image (cols 0,5,2,3,4).
class VqaTask : public AnswerTask {
 public:
  using AnswerTask::AnswerTask;
  std::string name() const override { return "vqa"; }
  std::vector<int> columns(bool) const override { return {0, 5, 2, 3, 4}; }
  TaskExample parse(const std::vector<std::string>& fields, const std::string& where, bool training) const override;
};

// SNLI-VE: TSV uniq-id, image-id, image, hypothesis, caption, label (cols 0,2,3,4,5).
class EntailmentTask : public AnswerTask {
 public:
  EntailmentTask(std::shared_ptr<const text::OfaTokenizer> tokenizer, TaskOptions options);
  std::string name() const override { return "snli_ve"; }
  std::vector<int> columns(bool) const override { return {0, 2, 3, 4, 5}; }
  TaskExample parse(const std::vector<std::string>& fields, const std::string& where, bool training) const override;
};

}  // namespace ofapt
