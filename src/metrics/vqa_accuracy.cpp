// VQA / SNLI-VE accuracy as OFA's eval_vqa_gen: mean of ref_dict.get(pred, 0).
#include "metrics/vqa_accuracy.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "util/error.h"

namespace ofapt {
namespace {

constexpr const char* kItemSeparator = "&&";
constexpr const char* kConfidenceSeparator = "|!+";

// Python float(): a decimal number with optional surrounding whitespace, nothing else.
bool parse_double(const std::string& text, double& value) {
  if (text.find_first_of("xX") != std::string::npos) return false;  // strtod would take hex
  const char* begin = text.c_str();
  char* end = nullptr;
  errno = 0;
  value = std::strtod(begin, &end);
  if (end == begin || errno == ERANGE) return false;
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r') ++end;
  return *end == '\0';
}

}  // namespace

AnswerConfidences parse_vqa_answers(const std::string& text) {
  AnswerConfidences answers;
  size_t start = 0;
  for (;;) {
    const size_t stop = text.find(kItemSeparator, start);
    const std::string item = text.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
    const size_t sep = item.find(kConfidenceSeparator);
    OFAPT_CHECK(sep != std::string::npos, ErrorKind::kInput, "VQA answers \"", text, "\": item \"", item,
                "\" is not confidence|!+answer");
    OFAPT_CHECK(item.find(kConfidenceSeparator, sep + 3) == std::string::npos, ErrorKind::kInput,
                "VQA answers \"", text, "\": item \"", item, "\" has more than one |!+");
    double confidence = 0;
    const std::string number = item.substr(0, sep);
    OFAPT_CHECK(parse_double(number, confidence) && std::isfinite(confidence), ErrorKind::kInput,
                "VQA answers \"", text, "\": confidence \"", number, "\" is not a number");
    answers[item.substr(sep + 3)] = confidence;
    if (stop == std::string::npos) break;
    start = stop + 2;
  }
  return answers;
}

double vqa_score(const std::string& prediction, const AnswerConfidences& references) {
  const auto found = references.find(prediction);
  return found == references.end() ? 0.0 : found->second;
}

double vqa_accuracy(const std::vector<std::string>& predictions,
                    const std::vector<AnswerConfidences>& references) {
  OFAPT_CHECK(predictions.size() == references.size(), ErrorKind::kInput, "VQA accuracy: ",
              predictions.size(), " predictions but ", references.size(), " reference rows");
  OFAPT_CHECK(!predictions.empty(), ErrorKind::kInput, "VQA accuracy: no predictions to score");
  double sum = 0;
  for (size_t i = 0; i < predictions.size(); ++i) sum += vqa_score(predictions[i], references[i]);
  return sum / static_cast<double>(predictions.size());
}

}  // namespace ofapt
