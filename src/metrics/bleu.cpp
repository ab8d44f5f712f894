// BLEU as pycocoevalcap bleu_scorer.py (cook_refs, cook_test, compute_score with option "closest").
#include "metrics/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "metrics/ngram_counts.h"
#include "metrics/text_split.h"
#include "util/error.h"

namespace ofapt {
namespace {

constexpr double kTiny = 1e-15;  // added to matches, so that no guesses still give 0
constexpr double kSmall = 1e-9;  // added to guesses and lengths, against division by zero

// BLEU-1..max_n from pooled counts: the geometric means of the running products of precisions,
// times the brevity penalty.
std::vector<double> combine(const std::vector<double>& correct, const std::vector<double>& guess,
                            double test_length, double reference_length) {
  std::vector<double> scores;
  double product = 1.0;
  for (size_t k = 0; k < correct.size(); ++k) {
    product *= (correct[k] + kTiny) / (guess[k] + kSmall);
    scores.push_back(std::pow(product, 1.0 / static_cast<double>(k + 1)));
  }
  const double ratio = (test_length + kTiny) / (reference_length + kSmall);
  if (ratio < 1.0) {
    for (double& score : scores) score *= std::exp(1.0 - 1.0 / ratio);
  }
  return scores;
}

}  // namespace

BleuResult bleu_score(const std::vector<std::string>& candidates,
                      const std::vector<std::vector<std::string>>& references,
                      const BleuOptions& options) {
  OFAPT_CHECK(options.max_n >= 1, ErrorKind::kUsage, "BLEU: max_n must be at least 1, got ", options.max_n);
  OFAPT_CHECK(candidates.size() == references.size(), ErrorKind::kInput, "BLEU: ", candidates.size(),
              " candidates but ", references.size(), " reference lists");
  OFAPT_CHECK(!candidates.empty(), ErrorKind::kInput, "BLEU: no captions to score");
  const int n = options.max_n;
  BleuResult result;
  std::vector<double> total_correct(n, 0.0), total_guess(n, 0.0);
  for (size_t i = 0; i < candidates.size(); ++i) {
    OFAPT_CHECK(!references[i].empty(), ErrorKind::kInput, "BLEU: caption ", i, " has no references");
    // Reference side: the largest count of each n-gram in any one reference, and every length.
    NgramCounts max_ref_counts;
    std::vector<long> ref_lengths;
    for (const std::string& reference : references[i]) {
      const std::vector<std::string> words = split_whitespace(reference);
      ref_lengths.push_back(static_cast<long>(words.size()));
      for (const auto& [ngram, count] : count_ngrams(words, n)) {
        int& best = max_ref_counts[ngram];
        best = std::max(best, count);
      }
    }
    const std::vector<std::string> words = split_whitespace(candidates[i]);
    const long test_length = static_cast<long>(words.size());
    // "closest": the reference length nearest the candidate's, the shorter on a tie.
    long reference_length = ref_lengths.front();
    for (long length : ref_lengths) {
      const long distance = std::labs(length - test_length), best = std::labs(reference_length - test_length);
      if (distance < best || (distance == best && length < reference_length)) reference_length = length;
    }
    std::vector<double> correct(n, 0.0), guess(n, 0.0);
    for (int k = 1; k <= n; ++k) guess[k - 1] = static_cast<double>(std::max(0L, test_length - k + 1));
    for (const auto& [ngram, count] : count_ngrams(words, n)) {
      const auto found = max_ref_counts.find(ngram);
      const int clip = found == max_ref_counts.end() ? 0 : found->second;
      correct[ngram.size() - 1] += std::min(clip, count);
    }
    result.per_image.push_back(combine(correct, guess, static_cast<double>(test_length),
                                       static_cast<double>(reference_length)));
    for (int k = 0; k < n; ++k) {
      total_correct[k] += correct[k];
      total_guess[k] += guess[k];
    }
    result.test_length += static_cast<double>(test_length);
    result.reference_length += static_cast<double>(reference_length);
  }
  result.corpus = combine(total_correct, total_guess, result.test_length, result.reference_length);
  return result;
}

}  // namespace ofapt
