// ROUGE-L as pycocoevalcap rouge.py (my_lcs, calc_score, compute_score).
#include "metrics/rouge.h"

#include <algorithm>

#include "metrics/text_split.h"
#include "util/error.h"

namespace ofapt {

size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  // One row of the dynamic programme suffices: row[j] = LCS(a[0..i), b[0..j)).
  std::vector<size_t> row(b.size() + 1, 0);
  for (const std::string& word : a) {
    size_t diagonal = 0;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = word == b[j - 1] ? diagonal + 1 : std::max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row.back();
}

double rouge_l(const std::string& candidate, const std::vector<std::string>& references,
               const RougeOptions& options) {
  OFAPT_CHECK(!references.empty(), ErrorKind::kInput, "ROUGE-L: a candidate has no references");
  const std::vector<std::string> cand = split_space(candidate);  // never empty: "" -> {""}
  double best_precision = 0, best_recall = 0;
  for (const std::string& reference : references) {
    const std::vector<std::string> ref = split_space(reference);
    const double lcs = static_cast<double>(lcs_length(ref, cand));
    best_precision = std::max(best_precision, lcs / static_cast<double>(cand.size()));
    best_recall = std::max(best_recall, lcs / static_cast<double>(ref.size()));
  }
  if (best_precision == 0 || best_recall == 0) return 0.0;
  const double beta2 = options.beta * options.beta;
  return (1 + beta2) * best_precision * best_recall / (best_recall + beta2 * best_precision);
}

RougeResult rouge_l_score(const std::vector<std::string>& candidates,
                          const std::vector<std::vector<std::string>>& references,
                          const RougeOptions& options) {
  OFAPT_CHECK(candidates.size() == references.size(), ErrorKind::kInput, "ROUGE-L: ", candidates.size(),
              " candidates but ", references.size(), " reference lists");
  OFAPT_CHECK(!candidates.empty(), ErrorKind::kInput, "ROUGE-L: no captions to score");
  RougeResult result;
  double sum = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    result.per_image.push_back(rouge_l(candidates[i], references[i], options));
    sum += result.per_image.back();
  }
  result.corpus = sum / static_cast<double>(candidates.size());
  return result;
}

}  // namespace ofapt
