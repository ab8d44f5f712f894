// Options shared by the commands that read a task's OFA TSV (tune --task, eval).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "tasks/task.h"

namespace ofapt::cli {

struct TaskCliOptions {
  std::string name;          // caption | refcoco | refcoco+ | refcocog | vqa | snli_ve
  std::string answers_file;  // VQA candidate answers, one per line (trainval_ans2label order)
  std::string columns;       // OFA --selected-cols override, e.g. "0,4,2"
  TaskOptions task;
};

// Adds --task, --answers, --selected-cols, --max-image-size, --num-bins, --add-object, --no-caption,
// --prompt-type (image size and token limits come from the command's own options).
void add_task_options(CLI::App& app, TaskCliOptions& options);

// Reads the answer list and builds the task with `tokenizer`.
std::shared_ptr<const Task> build_task(TaskCliOptions& options, std::shared_ptr<const text::OfaTokenizer> tokenizer);

std::vector<int> parse_columns(const std::string& text);

// A task on the files of `data_dir` (<task>_train.tsv, <task>_val.tsv, answers.txt for vqa) for the
// model in `model_dir`: the image size and box normaliser it was pretrained with (its config.json
// "ofapt_pretrain"; else 480 and 512, OFA's fine-tuning settings).
TaskCliOptions task_for_model(const std::string& model_dir, const std::string& task, const std::string& data_dir);

}  // namespace ofapt::cli
