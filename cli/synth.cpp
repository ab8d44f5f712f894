// ofapt synth: the synthetic world's OFA-format TSVs (world/world_writer.h, docs/world.md).
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "util/error.h"
#include "util/file.h"
#include "util/progress.h"
#include "world/world_writer.h"

namespace ofapt::cli {
namespace {

struct SynthOptions {
  world::WorldOptions world;
  std::string out;
  bool quiet = false;
};

int run(const SynthOptions& options) {
  make_directories(options.out);
  Progress progress("synth " + options.world.split, options.world.train_images + options.world.val_images + options.world.test_images);
  const auto files = world::write_world(options.out, options.world, [&](int64_t done, int64_t) {
    if (!options.quiet && (done % 100 == 0)) progress.update(done, {}, done);
  });
  if (!options.quiet) progress.finish();
  for (const auto& file : files) {
    std::cout << join_path(options.out, file.name) << ": " << file.rows << " rows";
    if (file.bytes > 0) std::cout << ", " << file.bytes / 1024 << " KiB";
    std::cout << "\n";
  }
  return 0;
}

}  // namespace

OFAPT_COMMAND("synth", "Write the synthetic world's task data as OFA-format TSVs (pretrain or downstream split)",
              [](CLI::App& app) {
  auto options = std::make_shared<SynthOptions>();
  auto& w = options->world;
  app.add_option("--out", options->out, "Directory for the TSVs (created if missing)")->required();
  app.add_option("--split", w.split, "pretrain or downstream")
      ->check(CLI::IsMember({"pretrain", "downstream"}))
      ->capture_default_str();
  app.add_option("--seed", w.seed, "World seed; the same seed gives the same bytes")->capture_default_str();
  app.add_option("--train-images", w.train_images, "Images in the train files")
      ->check(CLI::Range(int64_t{1}, int64_t{5000000}))
      ->capture_default_str();
  app.add_option("--val-images", w.val_images, "Images in the val files")
      ->check(CLI::Range(int64_t{1}, int64_t{2000000}))
      ->capture_default_str();
  app.add_option("--test-images", w.test_images, "Images in the held-out test files (0 = no test files)")
      ->check(CLI::Range(int64_t{0}, int64_t{2000000}))
      ->capture_default_str();
  app.add_option("--image-size", w.image_size, "Side of the square images, pixels")
      ->check(CLI::Range(32, 1024))
      ->capture_default_str();
  app.add_option("--jpeg-quality", w.jpeg_quality)->check(CLI::Range(1, 100))->capture_default_str();
  app.add_option("--max-objects", w.max_objects, "Shapes per image: 2 to this")
      ->check(CLI::Range(2, 9))
      ->capture_default_str();
  app.add_option("--expressions-per-image", w.expressions_per_image)->check(CLI::Range(1, 20))->capture_default_str();
  app.add_option("--questions-per-image", w.questions_per_image)->check(CLI::Range(1, 20))->capture_default_str();
  app.add_flag("--quiet", options->quiet, "No progress line");
  return [options] { return run(*options); };
});

}  // namespace ofapt::cli
