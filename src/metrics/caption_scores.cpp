// COCOEvalCap.evaluate without METEOR and SPICE.
#include "metrics/caption_scores.h"

#include "metrics/bleu.h"
#include "metrics/cider.h"
#include "metrics/ptb_tokenizer.h"
#include "metrics/rouge.h"
#include "util/error.h"

namespace ofapt {

nlohmann::json CaptionScores::to_json() const {
  nlohmann::json out;
  for (size_t k = 0; k < bleu.size(); ++k) out["Bleu_" + std::to_string(k + 1)] = bleu[k];
  out["ROUGE_L"] = rouge_l;
  out["CIDEr"] = cider;
  out["METEOR"] = meteor ? nlohmann::json(*meteor) : nlohmann::json();  // null: not computed
  out["SPICE"] = spice ? nlohmann::json(*spice) : nlohmann::json();
  return out;
}

CaptionScores score_captions(const std::vector<std::string>& candidates,
                             const std::vector<std::vector<std::string>>& references,
                             const JavaMetricOptions& java) {
  OFAPT_CHECK(candidates.size() == references.size(), ErrorKind::kInput, "caption scores: ",
              candidates.size(), " candidates but ", references.size(), " reference lists");
  OFAPT_CHECK(!candidates.empty(), ErrorKind::kInput, "caption scores: no captions to score");
  // pycocoevalcap tokenizes all references in one run (image by image) and the candidates in another.
  std::vector<std::string> flat;
  for (size_t i = 0; i < references.size(); ++i) {
    OFAPT_CHECK(!references[i].empty(), ErrorKind::kInput, "caption scores: image ", i, " has no references");
    flat.insert(flat.end(), references[i].begin(), references[i].end());
  }
  const std::vector<std::string> flat_tokens = ptb_tokenize_captions(flat);
  std::vector<std::vector<std::string>> refs(references.size());
  size_t next = 0;
  for (size_t i = 0; i < references.size(); ++i) {
    refs[i].assign(flat_tokens.begin() + next, flat_tokens.begin() + next + references[i].size());
    next += references[i].size();
  }
  const std::vector<std::string> cands = ptb_tokenize_captions(candidates);

  CaptionScores scores;
  const BleuResult bleu = bleu_score(cands, refs, BleuOptions{4});
  for (size_t k = 0; k < 4; ++k) scores.bleu[k] = bleu.corpus[k];
  for (const std::vector<double>& image : bleu.per_image) {
    scores.bleu_per_image.push_back({image[0], image[1], image[2], image[3]});
  }
  const RougeResult rouge = rouge_l_score(cands, refs);
  scores.rouge_l = rouge.corpus;
  scores.rouge_l_per_image = rouge.per_image;
  const CiderResult cider = cider_d_score(cands, refs);
  scores.cider = cider.corpus;
  scores.cider_per_image = cider.per_image;
  if (!java.meteor_jar.empty()) {
    const JavaMetricResult meteor = meteor_score(cands, refs, java);
    scores.meteor = meteor.corpus;
    scores.meteor_per_image = meteor.per_image;
  }
  if (!java.spice_jar.empty()) {
    const JavaMetricResult spice = spice_score(cands, refs, java);
    scores.spice = spice.corpus;
    scores.spice_per_image = spice.per_image;
  }
  return scores;
}

}  // namespace ofapt
