// CIDEr-D as pycocoevalcap cider_scorer.py (compute_doc_freq, counts2vec, sim, compute_cider).
#include "metrics/cider.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "metrics/ngram_counts.h"
#include "metrics/text_split.h"
#include "util/error.h"

namespace ofapt {
namespace {

// A sentence as per-n tf-idf vectors, their norms, and its "length" (its bigram count: the
// reference code adds term frequencies where the 0-based n-gram index equals 1).
struct TfIdf {
  std::vector<std::map<Ngram, double>> vec;
  std::vector<double> norm;
  double length = 0;
};

TfIdf to_tfidf(const NgramCounts& counts, const std::map<Ngram, double>& document_frequency,
               double log_images, int max_n) {
  TfIdf out{std::vector<std::map<Ngram, double>>(max_n), std::vector<double>(max_n, 0.0), 0.0};
  for (const auto& [ngram, term_frequency] : counts) {
    const auto found = document_frequency.find(ngram);
    const double df = std::log(std::max(1.0, found == document_frequency.end() ? 0.0 : found->second));
    const size_t n = ngram.size() - 1;
    const double weight = term_frequency * (log_images - df);
    out.vec[n][ngram] = weight;
    out.norm[n] += weight * weight;
    if (n == 1) out.length += term_frequency;
  }
  for (double& norm : out.norm) norm = std::sqrt(norm);
  return out;
}

// Per-n clipped cosine similarity with the Gaussian length penalty.
std::vector<double> similarity(const TfIdf& hyp, const TfIdf& ref, double sigma) {
  const double delta = hyp.length - ref.length;
  std::vector<double> val(hyp.vec.size(), 0.0);
  for (size_t n = 0; n < val.size(); ++n) {
    for (const auto& [ngram, weight] : hyp.vec[n]) {
      const auto found = ref.vec[n].find(ngram);
      const double ref_weight = found == ref.vec[n].end() ? 0.0 : found->second;
      val[n] += std::min(weight, ref_weight) * ref_weight;
    }
    if (hyp.norm[n] != 0 && ref.norm[n] != 0) val[n] /= hyp.norm[n] * ref.norm[n];
    val[n] *= std::exp(-(delta * delta) / (2 * sigma * sigma));
  }
  return val;
}

}  // namespace

CiderResult cider_d_score(const std::vector<std::string>& candidates,
                          const std::vector<std::vector<std::string>>& references,
                          const CiderOptions& options) {
  OFAPT_CHECK(options.max_n >= 1, ErrorKind::kUsage, "CIDEr-D: max_n must be at least 1, got ", options.max_n);
  OFAPT_CHECK(candidates.size() == references.size(), ErrorKind::kInput, "CIDEr-D: ", candidates.size(),
              " candidates but ", references.size(), " reference lists");
  OFAPT_CHECK(!candidates.empty(), ErrorKind::kInput, "CIDEr-D: no captions to score");
  const int max_n = options.max_n;
  std::vector<std::vector<NgramCounts>> ref_counts(references.size());
  std::map<Ngram, double> document_frequency;
  for (size_t i = 0; i < references.size(); ++i) {
    OFAPT_CHECK(!references[i].empty(), ErrorKind::kInput, "CIDEr-D: caption ", i, " has no references");
    std::set<Ngram> seen;  // an image counts once per n-gram, however many references hold it
    for (const std::string& reference : references[i]) {
      ref_counts[i].push_back(count_ngrams(split_whitespace(reference), max_n));
      for (const auto& entry : ref_counts[i].back()) seen.insert(entry.first);
    }
    for (const Ngram& ngram : seen) document_frequency[ngram] += 1.0;
  }
  const double log_images = std::log(static_cast<double>(references.size()));
  CiderResult result;
  double sum = 0;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const TfIdf hyp = to_tfidf(count_ngrams(split_whitespace(candidates[i]), max_n), document_frequency,
                               log_images, max_n);
    std::vector<double> score(max_n, 0.0);
    for (const NgramCounts& counts : ref_counts[i]) {
      const std::vector<double> val = similarity(hyp, to_tfidf(counts, document_frequency, log_images, max_n),
                                                 options.sigma);
      for (int n = 0; n < max_n; ++n) score[n] += val[n];
    }
    double mean = 0;
    for (double s : score) mean += s;
    mean /= max_n;
    const double image_score = mean / static_cast<double>(ref_counts[i].size()) * 10.0;
    result.per_image.push_back(image_score);
    sum += image_score;
  }
  result.corpus = sum / static_cast<double>(candidates.size());
  return result;
}

}  // namespace ofapt
