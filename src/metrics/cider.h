// CIDEr-D exactly as pycocoevalcap's Cider (cider/cider_scorer.py; Vedantam et al. 2015 with the
// "-D" changes): n-grams n = 1..4 weighted by tf * (log(#images) - log(max(1, df))), where df
// counts the images whose references contain the n-gram (document frequencies come from the
// evaluated set itself); per n, the cosine of candidate and reference vectors with the
// candidate's tf-idf clipped at the reference's, times exp(-delta^2 / (2 sigma^2)) with delta the
// difference of their bigram counts; averaged over n and over references, times 10.
#pragma once

#include <string>
#include <vector>

namespace ofapt {

struct CiderOptions {
  int max_n = 4;       // longest n-gram (pycocoevalcap: 4)
  double sigma = 6.0;  // width of the Gaussian length penalty (pycocoevalcap: 6)
};

struct CiderResult {
  double corpus = 0;               // mean over images
  std::vector<double> per_image;  // one score per candidate
};

// candidates[i] is scored against references[i] (at least one each). Inputs are tokenized strings.
CiderResult cider_d_score(const std::vector<std::string>& candidates,
                          const std::vector<std::vector<std::string>>& references,
                          const CiderOptions& options = {});

}  // namespace ofapt
