// ofapt predict: one image and a task in, the task's answer out (caption text, answer, box,
// entailment label), with a base model alone or a tuned task. The row goes through the same task
// reader and evaluation code as `ofapt eval`, so a prediction is exactly what eval would score.
#include <algorithm>
#include <iostream>

#include "checkpoint/model_files.h"
#include "cli/command.h"
#include "cli/model_options.h"
#include "cli/task_options.h"
#include "image/base64.h"
#include "image/decode.h"
#include "image/png_encode.h"
#include "tasks/task_predictor.h"
#include "util/error.h"
#include "util/file.h"
#include "util/threading.h"

namespace ofapt::cli {
namespace {

struct PredictOptions {
  std::string model, tuned, image, text, premise, draw;
  bool use_ema = false;
  TaskCliOptions task;
  TaskEvaluationOptions evaluation;
};

// One row's columns in the task's evaluation layout (ofa-spec 11); reference columns get placeholders.
std::vector<std::string> task_row(const std::string& task, const std::string& image, const PredictOptions& options) {
  if (task == "caption") return {"0", "0", "none", "", image};
  if (task == "refcoco" || task == "refcoco+" || task == "refcocog") return {"0", "0", options.text, "0,0,1,1", image};
  if (task == "vqa") return {"0", "0", options.text, "1.0|!+none", "", image};
  return {"0", "0", image, options.text, options.premise, "entailment"};
}

// Draws a 2-pixel red rectangle on the original image: the corners in either order, clamped to the
// image (a predicted box may reach past it).
void draw_box(RgbImage& image, const nlohmann::json& box) {
  auto clamp = [](double value, int size) { return std::clamp(static_cast<int>(value), 0, size - 1); };
  const double bx0 = box[0].get<double>(), by0 = box[1].get<double>(), bx1 = box[2].get<double>(),
               by1 = box[3].get<double>();
  const int x0 = clamp(std::min(bx0, bx1), image.width), x1 = clamp(std::max(bx0, bx1), image.width);
  const int y0 = clamp(std::min(by0, by1), image.height), y1 = clamp(std::max(by0, by1), image.height);
  auto paint = [&](int x, int y) {
    if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
    uint8_t* pixel = image.at(x, y);
    pixel[0] = 255;
    pixel[1] = pixel[2] = 0;
  };
  for (int t = 0; t < 2; ++t) {
    for (int x = x0; x <= x1; ++x) {
      paint(x, y0 + t);
      paint(x, y1 - t);
    }
    for (int y = y0; y <= y1; ++y) {
      paint(x0 + t, y);
      paint(x1 - t, y);
    }
  }
}

int run(PredictOptions& options) {
  configure_cpu_threads();
  OFAPT_CHECK(!options.task.name.empty(), ErrorKind::kUsage, "predict needs --task");
  const bool needs_text = options.task.name != "caption";
  OFAPT_CHECK(!needs_text || !options.text.empty(), ErrorKind::kUsage, options.task.name,
              " needs --text (the expression, question or hypothesis)");
  const CheckpointContents contents = read_checkpoint(options.model, {options.use_ema});
  OfaModel model = build_model(contents);
  auto method = load_tuned_option(options.tuned, model);
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(contents.directory));
  auto task = build_task(options.task, tokenizer);
  const std::string image_bytes = read_file(options.image);
  decode_image(image_bytes, options.image);  // a bad image fails here, naming the file

  // The row the task's evaluation reader would see, so a prediction is exactly what eval would score.
  const auto raw = task_row(options.task.name, base64_encode(image_bytes, Base64Alphabet::kUrlSafe), options);
  std::vector<std::string> fields;
  for (const int column : task->columns(/*training=*/false)) fields.push_back(raw.at(column));
  const TaskExample row = task->parse(fields, options.image, /*training=*/false);
  TaskPredictor predictor(
      model, prompt_of(method.get()), *task, options.evaluation,
      torch::kCPU);
  const nlohmann::json sample = predictor.predict({row}).at(0).sample;
  nlohmann::json output = {{"task", task->name()}, {"prediction", sample["prediction"]}};
  if (sample.contains("logprob")) output["logprob"] = sample["logprob"];
  if (!options.draw.empty()) {
    OFAPT_CHECK(task->name() == "refcoco" && !sample["prediction"].is_null(), ErrorKind::kUsage,
                "--draw needs a grounding task with a predicted box");
    RgbImage image = decode_image(image_bytes, options.image);
    draw_box(image, sample["prediction"]);
    write_file_atomic(options.draw, encode_png(image));
    output["drawn"] = options.draw;
  }
  std::cout << output.dump() << "\n";
  return 0;
}

OFAPT_COMMAND("predict", "One image + a task in, the task's answer out (caption, box, answer, entailment)",
              [](CLI::App& app) {
  auto options = std::make_shared<PredictOptions>();
  options->task.task.image_size = 480;
  options->evaluation.batch_size = 1;
  app.add_option("--model", options->model, "Base checkpoint")->required();
  app.add_flag("--ema", options->use_ema, "Load the EMA weights of a fairseq checkpoint");
  app.add_option("--tuned", options->tuned, "Tuned-task directory applied to the model");
  app.add_option("--image", options->image, "Image file (PNG or JPEG)")->required();
  app.add_option("--text", options->text, "refcoco: the expression; vqa: the question; snli_ve: the hypothesis");
  app.add_option("--premise", options->premise, "snli_ve: the premise caption");
  app.add_option("--draw", options->draw, "refcoco: write the image with the predicted box drawn (PNG)");
  app.add_option("--image-size", options->task.task.image_size, "Resize images to S x S")->capture_default_str();
  add_task_options(app, options->task);
  app.add_flag("--constrain-boxes", options->evaluation.constrain_boxes,
               "refcoco: generate location tokens only (the reference's eval leaves this off)");
  app.add_option("--beam", options->evaluation.beam_size)->capture_default_str();
  app.add_option("--answer-mode", options->evaluation.answer_mode, "vqa/snli_ve: all_candidates or beam")
      ->capture_default_str();
  return [options] { return run(*options); };
});

}  // namespace
}  // namespace ofapt::cli
