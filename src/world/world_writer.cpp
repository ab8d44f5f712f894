#include "world/world_writer.h"

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <sstream>

#include "image/base64.h"
#include "image/jpeg_encode.h"
#include "util/error.h"
#include "util/file.h"
#include "util/random.h"
#include "util/strings.h"
#include "world/language.h"
#include "world/scene.h"

namespace ofapt::world {
namespace {

std::string row(const std::vector<std::string>& columns) { return join(columns, "\t") + "\n"; }

// "1.0|!+yes&&0.3|!+no": OFA's VQA answer column.
std::string answer_column(const VqaQuestion& question) {
  std::vector<std::string> items;
  for (const auto& [answer, confidence] : question.confidences) {
    std::ostringstream text;
    text.precision(1);
    text << std::fixed << confidence << "|!+" << answer;
    items.push_back(text.str());
  }
  return join(items, "&&");
}

// The files of one split part (train or val), written as images are generated.
class PartWriter {
 public:
  PartWriter(const std::string& directory, const std::string& part, bool downstream) {
    for (const char* task : {"caption", "refcoco", "vqa", "snli_ve"}) {
      if (std::string(task) == "snli_ve" && !downstream) continue;
      const std::string name = std::string(task) + "_" + part + ".tsv";
      files_[task] = {std::make_unique<AtomicFileWriter>(join_path(directory, name)), WorldFile{name, 0, 0}};
    }
  }
  bool has(const std::string& task) const { return files_.count(task) > 0; }
  void add(const std::string& task, const std::string& line) {
    auto& file = files_.at(task);
    file.writer->write(line);
    ++file.info.rows;
  }
  void commit(std::vector<WorldFile>& done) {
    for (auto& [task, file] : files_) {
      file.info.bytes = file.writer->bytes_written();
      file.writer->commit();
      done.push_back(file.info);
    }
  }

 private:
  struct Open {
    std::unique_ptr<AtomicFileWriter> writer;
    WorldFile info;
  };
  std::map<std::string, Open> files_;
};

void check_options(const WorldOptions& options) {
  OFAPT_CHECK(options.split == "pretrain" || options.split == "downstream", ErrorKind::kUsage, "world split '",
              options.split, "' is not pretrain or downstream");
  OFAPT_CHECK(options.train_images >= 1 && options.val_images >= 1, ErrorKind::kUsage,
              "the world needs at least one train and one val image");
  // Val ids start at x5000000 and test ids at x7000000 (write_world): the parts must not overlap.
  OFAPT_CHECK(options.test_images >= 0 && options.val_images <= 2000000 && options.test_images <= 2000000,
              ErrorKind::kUsage, "val and test images must each be 0 to 2,000,000");
  OFAPT_CHECK(options.expressions_per_image >= 1 && options.questions_per_image >= 1, ErrorKind::kUsage,
              "expressions and questions per image must be positive");
}

// What makes two worlds the same: the format, its version and every option (world.json's head).
nlohmann::json identity(const WorldOptions& options) {
  nlohmann::json out = {{"format", "ofapt-world"},
          {"version", kWorldVersion},
          {"split", options.split},
          {"seed", options.seed},
          {"train_images", options.train_images},
          {"val_images", options.val_images},
          {"image_size", options.image_size},
          {"jpeg_quality", options.jpeg_quality},
          {"max_objects", options.max_objects},
          {"expressions_per_image", options.expressions_per_image},
          {"questions_per_image", options.questions_per_image}};
  // Named only when there is one, so the worlds written before test parts existed still match.
  if (options.test_images > 0) out["test_images"] = options.test_images;
  return out;
}

}  // namespace

uint64_t image_seed(const WorldOptions& options, WorldPart part, int64_t index) {
  const uint64_t split = options.split == "pretrain" ? 1 : 2;
  return derive_seed(options.seed, (split << 40) | (static_cast<uint64_t>(part) << 32) |
                                       static_cast<uint64_t>(index));
}

std::vector<WorldFile> write_world(const std::string& directory, const WorldOptions& options,
                                   const std::function<void(int64_t, int64_t)>& progress) {
  check_options(options);
  OFAPT_CHECK(is_directory(directory), ErrorKind::kUsage, directory, ": not a directory");
  const bool downstream = options.split == "downstream";
  std::vector<std::string> question_types = pretraining_question_types();
  if (downstream) {
    for (const auto& type : held_out_question_types()) question_types.push_back(type);
  }
  std::vector<WorldFile> files;
  const int64_t total = options.train_images + options.val_images + options.test_images;
  int64_t done = 0;
  for (const WorldPart part_kind : {WorldPart::kTrain, WorldPart::kVal, WorldPart::kTest}) {
    const int64_t images = part_kind == WorldPart::kTrain ? options.train_images
                           : part_kind == WorldPart::kVal ? options.val_images
                                                          : options.test_images;
    if (images == 0) continue;
    // Held-out parts (val and test) have one row per image for captions, with every reference.
    const bool validation = part_kind != WorldPart::kTrain;
    PartWriter part(directory, part_kind == WorldPart::kTrain ? "train" : part_kind == WorldPart::kVal ? "val" : "test",
                    downstream);
    // Image ids: pretrain 1xxxxxxx, downstream 2xxxxxxx; val images from x5000000 on, test from x7000000.
    const int64_t first_id = (downstream ? 20000000 : 10000000) +
                             (part_kind == WorldPart::kVal ? 5000000 : part_kind == WorldPart::kTest ? 7000000 : 0);
    for (int64_t index = 0; index < images; ++index) {
      const uint64_t seed = image_seed(options, part_kind, index);
      const Scene scene = make_scene(derive_seed(seed, 0), options.image_size, options.max_objects);
      const std::string image =
          base64_encode(encode_jpeg(render_scene(scene, derive_seed(seed, 1)), options.jpeg_quality),
                        Base64Alphabet::kUrlSafe);
      SplitMix64 rng(derive_seed(seed, 2));
      const std::string image_id = std::to_string(first_id + index);
      auto uniq = [&](int k) { return std::to_string((first_id + index) * 10 + k); };
      std::vector<std::string> objects;
      for (const auto& object : scene.objects) objects.push_back(shape_name(object.shape));
      const std::string object_column = join(objects, "&&");

      // caption: uniq-id, image-id, caption, objects, image. Train: a row per caption; val: all, &&-joined.
      // Downstream captions have styles of their own (docs/world.md). Pretraining's are drawn either
      // way, so the other tasks' rows of a seed are those the published study ran on.
      auto references = captions(scene, rng);
      if (downstream) references = downstream_captions(scene);
      if (validation) {
        part.add("caption", row({uniq(0), image_id, join(references, "&&"), object_column, image}));
      } else {
        for (size_t k = 0; k < references.size(); ++k) {
          part.add("caption", row({uniq(static_cast<int>(k)), image_id, references[k], object_column, image}));
        }
      }
      // refcoco: uniq-id, image-id, expression, x0,y0,x1,y1 (original pixels), image.
      // Downstream expressions are mostly of the held-out kinds and come from a stream of their own
      // (world version 3); version 2's are still drawn from the text stream and dropped, so the
      // vqa and snli_ve rows of a seed stay those of earlier versions.
      auto expressions = referring_expressions(scene, rng, options.expressions_per_image, downstream);
      if (downstream) {
        SplitMix64 expression_rng(derive_seed(seed, 3));
        expressions = held_out_referring_expressions(scene, expression_rng, options.expressions_per_image);
      }
      int k = 0;
      for (const auto& expression : expressions) {
        const SceneObject& target = scene.objects[expression.target];
        const std::string box = join({std::to_string(target.x0()), std::to_string(target.y0()),
                                      std::to_string(target.x1()), std::to_string(target.y1())}, ",");
        part.add("refcoco", row({uniq(k++), image_id, expression.text, box, image}));
      }
      // vqa: question-id, image-id, question, answers, objects, image.
      k = 0;
      for (const auto& question : vqa_questions(scene, rng, options.questions_per_image, question_types)) {
        part.add("vqa", row({uniq(k++), image_id, question.question, answer_column(question), object_column, image}));
      }
      // snli_ve: uniq-id, image-id, image, hypothesis, premise, label.
      if (part.has("snli_ve")) {
        k = 0;
        for (const auto& pair : entailment_pairs(scene, rng)) {
          part.add("snli_ve", row({uniq(k++), image_id, image, pair.hypothesis, pair.premise, pair.label}));
        }
      }
      ++done;
      if (progress) progress(done, total);
    }
    part.commit(files);
  }

  write_file_atomic(join_path(directory, "answers.txt"), join(candidate_answers(), "\n") + "\n");
  files.push_back({"answers.txt", static_cast<int64_t>(candidate_answers().size()), 0});
  nlohmann::json manifest = identity(options);
  manifest.update({
      {"question_types", question_types},
      {"held_out_of_pretraining",
       {{"vqa_question_types", held_out_question_types()},
        {"refcoco", "relational expressions and superlatives (three downstream expressions in four)"},
        {"caption", "the downstream reference styles"},
        {"tasks", {"snli_ve"}}}}});
  for (const auto& file : files) manifest["files"][file.name] = {{"rows", file.rows}, {"bytes", file.bytes}};
  write_file_atomic(join_path(directory, "world.json"), manifest.dump(1) + "\n");
  return files;
}

bool ensure_world(const std::string& directory, const WorldOptions& options,
                  const std::function<void(int64_t, int64_t)>& progress) {
  const std::string manifest_path = join_path(directory, "world.json");
  if (!file_exists(manifest_path)) {
    make_directories(directory);
    write_world(directory, options, progress);
    return true;
  }
  const auto manifest = nlohmann::json::parse(read_file(manifest_path), nullptr, false);
  OFAPT_CHECK(manifest.is_object(), ErrorKind::kUsage,
              manifest_path, ": not an ofapt world manifest; delete the directory to write the world again");
  // A test part is named only when there is one: a world with one is not a world without.
  OFAPT_CHECK(manifest.value("test_images", int64_t{0}) == options.test_images, ErrorKind::kUsage, manifest_path,
              ": this world has ", manifest.value("test_images", int64_t{0}), " test images, the one asked for has ",
              options.test_images, "; delete the directory to write the world again");
  const nlohmann::json wanted = identity(options);
  for (const auto& [key, value] : wanted.items()) {
    const nlohmann::json found = manifest.contains(key) ? manifest[key] : nlohmann::json();
    OFAPT_CHECK(found == value, ErrorKind::kUsage, manifest_path, ": this world has ", key, " ",
                found.is_null() ? std::string("(none)") : found.dump(), ", the one asked for has ", value.dump(),
                "; delete the directory to write the world again");
  }
  return false;
}

}  // namespace ofapt::world
