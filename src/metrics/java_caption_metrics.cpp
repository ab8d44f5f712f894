#include "metrics/java_caption_metrics.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <sstream>

#include "util/error.h"
#include "util/file.h"
#include "util/strings.h"
#include "util/subprocess.h"

namespace ofapt {
namespace {

std::string command_line(const std::vector<std::string>& argv) { return join(argv, " "); }

// The last few lines of a failed run's stderr, for the error message.
std::string tail(const std::string& text, size_t lines = 5) {
  auto all = split_on(text, "\n");
  while (!all.empty() && all.back().empty()) all.pop_back();
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "\n  " + all[i];
  return out;
}

ProcessResult run_jar(const std::vector<std::string>& argv, const std::string& input, const char* metric) {
  ProcessResult result = run_process(argv, input);
  OFAPT_CHECK(result.exit_code == 0, ErrorKind::kIo, metric, ": `", command_line(argv), "` exited with status ",
              result.exit_code, tail(result.errors));
  return result;
}

std::vector<std::string> output_lines(const std::string& output) {
  auto lines = split_on(output, "\n");
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

double parse_number(const std::string& text, const char* metric) {
  try {
    size_t used = 0;
    const double value = std::stod(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  throw Error(ErrorKind::kIo, str(metric, ": expected a number from the jar, got '", text, "'"));
}

void check_inputs(const std::vector<std::string>& candidates, const std::vector<std::vector<std::string>>& references,
                  const std::string& jar, const char* metric) {
  OFAPT_CHECK(candidates.size() == references.size() && !candidates.empty(), ErrorKind::kInput, metric, ": ",
              candidates.size(), " candidates for ", references.size(), " reference lists");
  OFAPT_CHECK(file_exists(jar), ErrorKind::kUsage, jar, ": no such ", metric, " jar");
}

}  // namespace

JavaMetricResult meteor_score(const std::vector<std::string>& candidates,
                              const std::vector<std::vector<std::string>>& references, const JavaMetricOptions& options) {
  check_inputs(candidates, references, options.meteor_jar, "METEOR");
  const std::vector<std::string> argv{options.java, "-jar", "-Xmx2G", options.meteor_jar, "-", "-", "-stdio",
                                      "-l", "en", "-norm"};
  // Pass 1: the alignment statistics of each image. "|||" separates fields, so the hypothesis
  // loses it (and the double space left behind), as pycocoevalcap does.
  std::string score_lines;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const std::string hypothesis = replace_all(replace_all(candidates[i], "|||", ""), "  ", " ");
    std::string line = "SCORE";
    for (const auto& reference : references[i]) line += " ||| " + reference;
    score_lines += line + " ||| " + hypothesis + "\n";
  }
  const auto stats = output_lines(run_jar(argv, score_lines, "METEOR").output);
  OFAPT_CHECK(stats.size() == candidates.size(), ErrorKind::kIo, "METEOR: ", candidates.size(),
              " SCORE lines gave ", stats.size(), " statistics lines");
  // Pass 2: one EVAL line turns the statistics into a score per image and the corpus score.
  std::string eval_line = "EVAL";
  for (const auto& line : stats) eval_line += " ||| " + line;
  const auto scores = output_lines(run_jar(argv, eval_line + "\n", "METEOR").output);
  OFAPT_CHECK(scores.size() == candidates.size() + 1, ErrorKind::kIo, "METEOR: the EVAL line gave ", scores.size(),
              " lines, expected ", candidates.size() + 1);
  JavaMetricResult result;
  for (size_t i = 0; i < candidates.size(); ++i) result.per_image.push_back(parse_number(scores[i], "METEOR"));
  result.corpus = parse_number(scores.back(), "METEOR");
  return result;
}

JavaMetricResult spice_score(const std::vector<std::string>& candidates,
                             const std::vector<std::vector<std::string>>& references, const JavaMetricOptions& options) {
  check_inputs(candidates, references, options.spice_jar, "SPICE");
  const TemporaryDirectory scratch("ofapt_spice");
  const std::string in_path = join_path(scratch.path(), "input.json"), out_path = join_path(scratch.path(), "output.json");
  nlohmann::json input = nlohmann::json::array();
  for (size_t i = 0; i < candidates.size(); ++i) {
    input.push_back({{"image_id", i}, {"test", candidates[i]}, {"refs", references[i]}});
  }
  write_file_atomic(in_path, input.dump());
  std::vector<std::string> argv{options.java, "-jar", "-Xmx8G", options.spice_jar, in_path};
  if (!options.spice_cache.empty()) argv.insert(argv.end(), {"-cache", options.spice_cache});
  argv.insert(argv.end(), {"-out", out_path, "-subset", "-silent"});
  run_jar(argv, "", "SPICE");
  OFAPT_CHECK(file_exists(out_path), ErrorKind::kIo, "SPICE: `", command_line(argv), "` wrote no ", out_path);
  const auto output = nlohmann::json::parse(read_file(out_path), nullptr, /*allow_exceptions=*/false);
  OFAPT_CHECK(output.is_array() && output.size() == candidates.size(), ErrorKind::kIo,
              "SPICE: the output is not a JSON list of ", candidates.size(), " images");
  JavaMetricResult result;
  result.per_image.assign(candidates.size(), std::numeric_limits<double>::quiet_NaN());
  for (const auto& item : output) {
    OFAPT_CHECK(item.is_object() && item.contains("image_id") && item["image_id"].is_number_unsigned() &&
                    item["image_id"].get<size_t>() < candidates.size(),
                ErrorKind::kIo, "SPICE: an output item has no valid image_id: ", item.dump().substr(0, 200));
    // pycocoevalcap's float_convert: a score that is not a number counts as NaN (and so does the mean).
    const auto f = item.value("/scores/All/f"_json_pointer, nlohmann::json());
    result.per_image[item["image_id"].get<size_t>()] =
        f.is_number() ? f.get<double>() : std::numeric_limits<double>::quiet_NaN();
  }
  double sum = 0.0;
  for (const double score : result.per_image) sum += score;
  result.corpus = sum / static_cast<double>(result.per_image.size());
  return result;
}

}  // namespace ofapt
