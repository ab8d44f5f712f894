#include "serve/request_row.h"

#include "image/base64.h"
#include "image/decode.h"
#include "tasks/task_text.h"
#include "util/error.h"

namespace ofapt {
namespace {

std::string text_field(const nlohmann::json& body, const std::string& key, bool required, const RequestLimits& limits) {
  if (!body.contains(key)) {
    OFAPT_CHECK(!required, ErrorKind::kInput, "the request needs a string field \"", key, "\"");
    return "";
  }
  OFAPT_CHECK(body[key].is_string(), ErrorKind::kInput, "field \"", key, "\" must be a string");
  std::string text = body[key].get<std::string>();
  OFAPT_CHECK(static_cast<int64_t>(text.size()) <= limits.max_text_chars, ErrorKind::kLimit, "field \"", key, "\" has ",
              text.size(), " characters; the server's max text is ", limits.max_text_chars);
  // A tab or newline would split the TSV-style fields the task parses.
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

TaskExample request_row(const Task& task, const nlohmann::json& body, const std::string& id,
                        const RequestLimits& limits) {
  OFAPT_CHECK(body.is_object(), ErrorKind::kInput, "the request body must be a JSON object");
  OFAPT_CHECK(body.contains("image") && body["image"].is_string(), ErrorKind::kInput,
              "the request needs \"image\": a base64 JPEG or PNG");
  const std::string image = body["image"].get<std::string>();
  // Refused on the header's word, before the pixels take memory.
  const ImageSize size = read_image_size(base64_decode(image, "image"), "image");
  OFAPT_CHECK(size.width <= limits.max_image_side && size.height <= limits.max_image_side, ErrorKind::kLimit,
              "the image is ", size.width, "x", size.height, " pixels; the server's max image side is ",
              limits.max_image_side);
  const std::string name = task.name();
  std::vector<std::string> fields;
  if (name == "caption") {
    fields = {id, image, "image"};  // a placeholder reference
    if (body.contains("instruction")) {
      // Generation from the caller's own instruction: the caption row with another source text.
      std::string instruction = text_field(body, "instruction", true, limits);
      OFAPT_CHECK(!instruction.empty(), ErrorKind::kInput, "field \"instruction\" is empty");
      if (instruction.front() != ' ') instruction = " " + instruction;  // as OFA's tasks write theirs
      TaskExample row = task.parse(fields, "request " + id, /*training=*/false);
      row.example.source = with_bos_eos(encode_text(task.tokenizer(), instruction, task.options().max_source_tokens));
      return row;
    }
  } else if (name == "vqa") {
    fields = {id, image, text_field(body, "question", true, limits), "1.0|!+image", ""};
  } else if (name == "refcoco") {
    fields = {id, image, text_field(body, "text", true, limits), "0,0,0,0"};
  } else if (name == "snli_ve") {
    fields = {id, image, text_field(body, "hypothesis", true, limits), text_field(body, "premise", false, limits),
              "entailment"};
  } else {
    throw Error(ErrorKind::kInternal, "no request layout for task " + name);
  }
  return task.parse(fields, "request " + id, /*training=*/false);
}

std::vector<std::vector<int64_t>> request_targets(const Task& task, const nlohmann::json& body,
                                                  const RequestLimits& limits) {
  OFAPT_CHECK(body.contains("targets") && body["targets"].is_array() && !body["targets"].empty(), ErrorKind::kInput,
              "the request needs \"targets\": a non-empty array of the texts to score");
  const auto& targets = body["targets"];
  OFAPT_CHECK(static_cast<int64_t>(targets.size()) <= limits.max_targets, ErrorKind::kLimit, "the request has ",
              targets.size(), " targets; the server's max targets is ", limits.max_targets);
  std::vector<std::vector<int64_t>> out;
  for (const auto& target : targets) {
    OFAPT_CHECK(target.is_string() && !target.get<std::string>().empty(), ErrorKind::kInput,
                "each target must be a non-empty string");
    const std::string text = text_field({{"target", target}}, "target", true, limits);
    out.push_back(with_bos_eos(encode_text(task.tokenizer(), " " + text, task.options().max_target_tokens)));
  }
  return out;
}

int64_t request_beam(const nlohmann::json& body, const RequestLimits& limits) {
  if (!body.contains("beam") || body["beam"].is_null()) return 0;
  OFAPT_CHECK(body["beam"].is_number_integer() && body["beam"].get<int64_t>() >= 1, ErrorKind::kInput,
              "field \"beam\" must be a positive integer");
  const int64_t beam = body["beam"].get<int64_t>();
  OFAPT_CHECK(beam <= limits.max_beam, ErrorKind::kLimit, "beam ", beam, " is over the server's max beam of ",
              limits.max_beam);
  return beam;
}

}  // namespace ofapt
