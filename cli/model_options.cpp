#include "cli/model_options.h"

#include "image/decode.h"
#include "model/model_inputs.h"
#include "text/ofa_tokenizer.h"
#include "tuning/tuned_task_file.h"
#include "util/error.h"

namespace ofapt::cli {

void add_model_options(CLI::App& app, ModelInputOptions& options) {
  app.add_option("--model", options.model, "Checkpoint directory or file (HF dir, .safetensors, .bin, fairseq .pt)")
      ->required();
  app.add_flag("--ema", options.use_ema, "Load the EMA weights of a fairseq checkpoint");
  app.add_option("--image", options.image, "Image file (PNG or JPEG)");
  app.add_option("--image-size", options.image_size, "Resize the image to S x S (bicubic, as Pillow)");
  app.add_option("--source-ids", options.source_ids, "Source token ids, e.g. \"0 523 2\"");
  app.add_option("--source", options.source, "Source text (tokenised as [bos] text [eos])");
  app.add_option("--tuned", options.tuned, "Tuned-task directory (from ofapt tune) applied to the model");
}

std::shared_ptr<TuningMethod> load_tuned_option(const std::string& directory, OfaModel model) {
  if (directory.empty()) return nullptr;
  return load_tuned_task(read_tuned_task(directory), std::move(model));
}

std::vector<int64_t> encode_sentence(const std::string& model_dir, const std::string& text) {
  static std::string cached_dir;
  static std::unique_ptr<text::OfaTokenizer> tokenizer;
  if (!tokenizer || cached_dir != model_dir) {
    tokenizer = std::make_unique<text::OfaTokenizer>(text::load_tokenizer(model_dir));
    cached_dir = model_dir;
  }
  std::vector<int64_t> ids{text::OfaVocabulary::kBos};
  for (int64_t id : tokenizer->encode_with_symbols(text)) ids.push_back(id);
  ids.push_back(text::OfaVocabulary::kEos);
  return ids;
}

LoadedInputs load_inputs(const ModelInputOptions& options) {
  LoadedInputs loaded;
  CheckpointReadOptions read_options;
  read_options.use_ema = options.use_ema;
  loaded.contents = read_checkpoint(options.model, read_options);
  loaded.model = build_model(loaded.contents);
  loaded.method = load_tuned_option(options.tuned, loaded.model);
  if (!options.image.empty()) {
    const RgbImage image = read_image(options.image);
    int64_t size = options.image_size;
    if (size == 0) {
      OFAPT_CHECK(image.width == image.height, ErrorKind::kUsage, options.image, " is ", image.width, "x",
                  image.height, "; pass --image-size to resize it to a square");
      size = image.width;
    }
    loaded.image = image_tensor(image, size);
  }
  OFAPT_CHECK(options.source_ids.empty() != options.source.empty(), ErrorKind::kUsage,
              "give exactly one of --source-ids and --source");
  loaded.source_ids = options.source_ids.empty() ? encode_sentence(loaded.contents.directory, options.source)
                                                 : parse_id_list(options.source_ids, "--source-ids");
  return loaded;
}

}  // namespace ofapt::cli
