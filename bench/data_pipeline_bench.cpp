// Data-pipeline benchmark: rows/s through a task dataset (TSV read, base64 + PNG decode, bicubic
// resize, tokenization) and through the BatchLoader (batches of 8 collated on background threads).
// Compare with bench/results/train_step_cpu.jsonl's samples/s to see whether training is input-bound.
//   bench/data_pipeline_bench --rows 64 --original-size 640 --image-size 480 --threads 2
#include <chrono>
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "data/batch_loader.h"
#include "image/base64.h"
#include "image/png_encode.h"
#include "image/synthetic.h"
#include "tasks/task_dataset.h"
#include "util/file.h"
#include "util/reexec.h"
#include "util/threading.h"

int main(int argc, char** argv) {
  using namespace ofapt;
  int64_t rows = 64, original_size = 640, image_size = 480, threads = 2, batch = 8, prefetch = 2;
  CLI::App app{"ofapt data-pipeline benchmark"};
  app.add_option("--rows", rows);
  app.add_option("--original-size", original_size, "Side of the stored images");
  app.add_option("--image-size", image_size, "S the task resizes to");
  app.add_option("--threads", threads, "Decode threads per batch in the loader");
  app.add_option("--batch", batch);
  app.add_option("--prefetch", prefetch, "Batches in flight");
  CLI11_PARSE(app, argc, argv);
  apply_startup_settings(argv, /*reusing_allocator=*/false);
  configure_cpu_threads();

  // A RefCOCO-layout TSV: uniq-id, image-id, text, region, base64 PNG.
  char dir_template[] = "/tmp/ofapt_data_bench_XXXXXX";
  const std::string dir = ::mkdtemp(dir_template);
  std::string tsv;
  for (int64_t i = 0; i < rows; ++i) {
    const std::string image = base64_encode(encode_png(make_synthetic_image(static_cast<int>(original_size), i)),
                                            Base64Alphabet::kUrlSafe);
    tsv += std::to_string(i) + "\t" + std::to_string(i) + "\tthe small red square on the left\t10,20,200,300\t" +
           image + "\n";
  }
  write_file_atomic(dir + "/rows.tsv", tsv);
  TaskOptions options;
  options.image_size = image_size;
  auto tokenizer = std::make_shared<const text::OfaTokenizer>(text::load_tokenizer(""));
  TaskDataset data(make_task("refcoco", tokenizer, options), dir + "/rows.tsv", true);

  auto seconds_since = [](auto start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < rows; ++i) data.get(i);
  const double single = seconds_since(start);

  BatchLoaderOptions loader_options;
  loader_options.decode_threads = threads;
  BatchLoader loader(data, loader_options);
  start = std::chrono::steady_clock::now();
  // As the trainer drives it: a few batches in flight (prefetch), the oldest taken as it is ready.
  for (int64_t begin = 0; begin < rows; begin += batch) {
    std::vector<int64_t> indices;
    for (int64_t i = begin; i < std::min(rows, begin + batch); ++i) indices.push_back(i);
    loader.schedule(indices);
    if (loader.pending() >= prefetch) loader.next();
  }
  while (loader.pending() > 0) loader.next();
  const double loaded = seconds_since(start);
  std::system(("rm -rf " + dir).c_str());

  nlohmann::json result{{"task", "refcoco"},
                        {"rows", rows},
                        {"original_size", original_size},
                        {"image_size", image_size},
                        {"image_format", "png"},
                        {"rows_per_s_one_thread", rows / single},
                        {"loader_threads_per_batch", threads},
                        {"batch", batch},
                        {"prefetch", prefetch},
                        {"rows_per_s_loader", rows / loaded}};
  std::cout << result.dump() << "\n";
  return 0;
}
