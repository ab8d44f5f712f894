// The caption metrics of pycocoevalcap's COCOEvalCap (eval.py) that need no Java: every candidate
// and reference is tokenized as its PTBTokenizer does (candidates and references in two separate
// tokenizer runs, images in the given order), then BLEU-1..4, ROUGE-L and CIDEr-D are computed.
// METEOR and SPICE run their official Java jars when given (java_caption_metrics.h); otherwise they
// are reported as not computed (JSON null), never approximated.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "metrics/java_caption_metrics.h"

namespace ofapt {

struct CaptionScores {
  std::array<double, 4> bleu{};  // corpus Bleu_1..Bleu_4
  double rouge_l = 0;            // corpus ROUGE_L
  double cider = 0;              // corpus CIDEr (pycocoevalcap's Cider, i.e. CIDEr-D)
  std::vector<std::array<double, 4>> bleu_per_image;
  std::vector<double> rouge_l_per_image;
  std::vector<double> cider_per_image;
  std::optional<double> meteor, spice;  // empty: their jar was not given
  std::vector<double> meteor_per_image, spice_per_image;

  // {"Bleu_1": ..., "Bleu_4": ..., "ROUGE_L": ..., "CIDEr": ..., "METEOR": x or null, "SPICE": x or null}
  nlohmann::json to_json() const;
};

// candidates[i] is the raw generated caption of image i, references[i] its raw reference captions.
CaptionScores score_captions(const std::vector<std::string>& candidates,
                             const std::vector<std::vector<std::string>>& references,
                             const JavaMetricOptions& java = {});

}  // namespace ofapt
