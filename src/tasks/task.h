// The paper's tasks (ofa-spec 11): how one row of a task's OFA TSV becomes model input and target,
// and what its evaluation keeps. Each task is one file: caption, grounding, vqa, entailment.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "data/example.h"
#include "model/sequence_trie.h"
#include "text/ofa_tokenizer.h"

namespace ofapt {

struct TaskOptions {
  int64_t image_size = 480;          // S: images are resized to S x S (bicubic)
  int64_t max_image_size = 512;      // grounding: boxes are normalised by this, not by S (the reference)
  int64_t num_bins = 1000;           // <bin_i> location tokens
  int64_t max_source_tokens = 80;    // BPE tokens (reference max_src_length)
  int64_t max_target_tokens = 20;    // reference max_tgt_length (VQA scripts use 30)
  bool add_object = false;           // VQA: append " object: o1 o2 ..." (30 objects) to the question
  bool add_caption = true;           // SNLI-VE: the premise caption goes into the source
  std::string prompt_type = "prev_output";  // VQA/SNLI-VE decoder prompt: none | src | prev_output
  std::vector<std::string> answers;  // VQA/SNLI-VE candidate answers (the trie; empty = unconstrained)
};

// What scoring a row needs beyond its target tokens.
struct Reference {
  std::vector<std::string> captions;       // caption references (eval rows: the &&-joined column)
  std::vector<double> box;                 // grounding: x0 y0 x1 y1 in original pixels
  double w_resize_ratio = 1.0, h_resize_ratio = 1.0;  // S / original width, height
  std::map<std::string, double> answers;   // VQA / SNLI-VE: answer -> confidence (label -> 1)
  std::vector<int64_t> decoder_prompt;     // VQA / SNLI-VE: tokens forced before the answer (bos first)
};

struct TaskExample {
  Example example;
  Reference reference;
};

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  // OFA's --selected-cols for this task's TSV layout (training rows / evaluation rows).
  virtual std::vector<int> columns(bool training) const = 0;
  // One row's selected fields -> example + reference. Throws Error(kInput) naming `where`.
  virtual TaskExample parse(const std::vector<std::string>& fields, const std::string& where, bool training) const = 0;

  const TaskOptions& options() const { return options_; }
  const text::OfaTokenizer& tokenizer() const { return *tokenizer_; }

 protected:
  Task(std::shared_ptr<const text::OfaTokenizer> tokenizer, TaskOptions options)
      : tokenizer_(std::move(tokenizer)), options_(std::move(options)) {}

  std::shared_ptr<const text::OfaTokenizer> tokenizer_;
  TaskOptions options_;
};

// caption | refcoco (also refcoco+, refcocog) | vqa | snli_ve. Throws Error(kUsage) for another name.
std::unique_ptr<Task> make_task(const std::string& name, std::shared_ptr<const text::OfaTokenizer> tokenizer,
                                TaskOptions options);
const std::vector<std::string>& task_names();

}  // namespace ofapt
