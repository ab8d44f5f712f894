// One HTTP request's input as the row its task parses: the server builds the fields of the task's
// evaluation TSV layout from the JSON body (the same parser as the datasets, so a request is encoded
// exactly as an evaluation row is), with placeholder references the reply does not use.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "tasks/task.h"

namespace ofapt {

// What one request may ask for; each is refused with Error(kLimit) naming the limit.
struct RequestLimits {
  int64_t max_text_chars = 1000;  // each text field
  int64_t max_image_side = 4096;  // pixels, as the image's header declares them (checked before decoding)
  int64_t max_beam = 10;          // a request's "beam"
  int64_t max_targets = 64;       // texts one /v1/score request may score
};

// body: {"image": base64 JPEG/PNG, and per task "question" (vqa), "text" (refcoco),
// "hypothesis" and optional "premise" (snli_ve); for caption an optional "instruction" replaces the
// task's own source text (generation from any instruction)}. Error(kInput) names the missing or bad
// field.
TaskExample request_row(const Task& task, const nlohmann::json& body, const std::string& id,
                        const RequestLimits& limits);

// The body's "targets" (1..max_targets non-empty strings) as the decoder sequences that score them,
// bos + the text's BPE ids (at most the task's max_target_tokens) + eos.
std::vector<std::vector<int64_t>> request_targets(const Task& task, const nlohmann::json& body,
                                                  const RequestLimits& limits);

// The body's optional "beam" (an integer in 1..max_beam), or 0 when it has none (the scheduler then
// uses the server's beam).
int64_t request_beam(const nlohmann::json& body, const RequestLimits& limits);

}  // namespace ofapt
