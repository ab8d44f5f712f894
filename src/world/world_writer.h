// `ofapt synth`: the synthetic world written as OFA-format TSV files, the same layouts the real
// datasets use (ofa-spec 11), so the same readers train and evaluate on both.
//
// Two splits share the world but not its images or all of its language (docs/world.md):
//   pretrain    caption, refcoco (attribute expressions only), vqa (count color shape size exist)
//   downstream  caption, refcoco (mostly relations and superlatives), vqa (also relation compare
//               negation), snli_ve (a task family pretraining never sees)
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace ofapt::world {

struct WorldOptions {
  std::string split = "downstream";  // pretrain | downstream
  uint64_t seed = 1;
  int64_t train_images = 2000;
  int64_t val_images = 200;
  // A held-out test part (<task>_test.tsv), scored once per run by a study with the checkpoint that
  // was best on val; 0 = none. Its images have a stream of their own, so train and val files are the
  // same with or without it.
  int64_t test_images = 0;
  int image_size = 128;
  int jpeg_quality = 90;
  int max_objects = 5;
  int expressions_per_image = 2;     // refcoco rows per image
  int questions_per_image = 3;       // vqa rows per image
};

struct WorldFile {
  std::string name;  // e.g. "vqa_train.tsv"
  int64_t rows = 0;
  int64_t bytes = 0;
};

// The task files of the split for train and val, plus answers.txt (the VQA candidate list) and
// world.json (options, files, the held-out forms). Each file is written atomically.
// `progress(done, total)` is called after each image. Throws Error(kUsage) for bad options.
std::vector<WorldFile> write_world(const std::string& directory, const WorldOptions& options,
                                   const std::function<void(int64_t, int64_t)>& progress = {});

// What write_world writes changes with this number (world.json "version"). 2: downstream captions
// have styles of their own (1: the pretraining styles). 3: downstream referring expressions are
// three in four of the held-out kinds (2: one in four), the other downstream files unchanged.
inline constexpr int kWorldVersion = 3;

// The world of `options` in `directory`: written there when it holds no world.json yet, else checked
// against it. A world of another version or other options is refused (Error kUsage, naming both),
// never reused. Returns whether it wrote the world.
bool ensure_world(const std::string& directory, const WorldOptions& options,
                  const std::function<void(int64_t, int64_t)>& progress = {});

// The parts of a split, in the order they are written.
enum class WorldPart { kTrain = 0, kVal = 1, kTest = 2 };

// The seed of image `index` of a split part: every image has its own stream.
uint64_t image_seed(const WorldOptions& options, WorldPart part, int64_t index);

}  // namespace ofapt::world
