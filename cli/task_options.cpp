#include "cli/task_options.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "util/error.h"
#include "util/file.h"

namespace ofapt::cli {

void add_task_options(CLI::App& app, TaskCliOptions& options) {
  app.add_option("--task", options.name, "caption, refcoco, refcoco+, refcocog, vqa or snli_ve (OFA TSV layouts)");
  app.add_option("--answers", options.answers_file, "VQA candidate answers, one per line (the 3,129 of trainval)");
  app.add_option("--selected-cols", options.columns, "Override the task's TSV columns, e.g. 0,4,2");
  app.add_option("--max-image-size", options.task.max_image_size, "Grounding box normaliser (reference 512)")
      ->capture_default_str();
  app.add_option("--num-bins", options.task.num_bins)->capture_default_str();
  app.add_flag("--add-object", options.task.add_object, "VQA: append the row's detected objects to the question");
  app.add_flag_function("--no-caption", [&options](int64_t) { options.task.add_caption = false; },
                        "SNLI-VE: leave the premise caption out of the source");
  app.add_option("--prompt-type", options.task.prompt_type, "VQA/SNLI-VE decoder prompt: none, src, prev_output")
      ->capture_default_str();
}

std::vector<int> parse_columns(const std::string& text) {
  std::vector<int> columns;
  std::stringstream list(text);
  for (std::string item; std::getline(list, item, ',');) {
    char* end = nullptr;
    const long value = std::strtol(item.c_str(), &end, 10);
    OFAPT_CHECK(!item.empty() && *end == '\0' && value >= 0, ErrorKind::kUsage, "--selected-cols '", text,
                "' is not a list of column numbers");
    columns.push_back(static_cast<int>(value));
  }
  return columns;
}

std::shared_ptr<const Task> build_task(TaskCliOptions& options, std::shared_ptr<const text::OfaTokenizer> tokenizer) {
  if (!options.answers_file.empty()) {
    std::istringstream lines(read_file(options.answers_file));
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) options.task.answers.push_back(line);
    }
    OFAPT_CHECK(!options.task.answers.empty(), ErrorKind::kInput, options.answers_file, ": no answers");
  }
  return make_task(options.name, std::move(tokenizer), options.task);
}

TaskCliOptions task_for_model(const std::string& model_dir, const std::string& task, const std::string& data_dir) {
  TaskCliOptions options;
  options.name = task;
  const auto config = nlohmann::json::parse(read_file(join_path(model_dir, "config.json")), nullptr, false);
  const auto pretraining = config.is_object() ? config.value("ofapt_pretrain", nlohmann::json::object())
                                              : nlohmann::json::object();
  options.task.image_size = pretraining.value("image_size", 480);
  options.task.max_image_size = pretraining.value("max_image_size", 512);
  if (task == "vqa") options.answers_file = join_path(data_dir, "answers.txt");
  return options;
}

}  // namespace ofapt::cli
