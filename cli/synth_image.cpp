// ofapt synth-image: writes the deterministic procedural test picture (image/synthetic.h) as a PNG.
#include <cstdint>
#include <iostream>
#include <memory>

#include "cli/command.h"
#include "image/png_encode.h"
#include "image/synthetic.h"
#include "util/file.h"

namespace ofapt::cli {
namespace {

struct SynthImageOptions {
  int size = 64;      // side of the square image, pixels
  uint64_t seed = 0;  // picks the colours and shapes
  std::string out;    // PNG file to write (atomically)
};

std::function<int()> setup_synth_image(CLI::App& app) {
  auto options = std::make_shared<SynthImageOptions>();
  app.add_option("--size", options->size, "Side of the square image in pixels")
      ->check(CLI::Range(1, 16384))
      ->capture_default_str();
  app.add_option("--seed", options->seed, "Seed choosing colours and shapes")->capture_default_str();
  app.add_option("--out", options->out, "PNG file to write")->required();
  return [options] {
    write_file_atomic(options->out, encode_png(make_synthetic_image(options->size, options->seed)));
    std::cout << options->out << ": " << options->size << "x" << options->size << " synthetic image, seed "
              << options->seed << "\n";
    return 0;
  };
}

}  // namespace

OFAPT_COMMAND("synth-image", "Write a small deterministic synthetic test image (PNG)", setup_synth_image);

}  // namespace ofapt::cli
