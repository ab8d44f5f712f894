// ROUGE-L exactly as pycocoevalcap's Rouge (rouge/rouge.py; Lin 2004): words are the pieces of
// str.split(" "); per reference, LCS precision (over the candidate) and recall (over the
// reference); the largest precision and the largest recall over all references (possibly from
// different references) give F = (1 + beta^2) P R / (R + beta^2 P), or 0 if either is 0.
#pragma once

#include <string>
#include <vector>

namespace ofapt {

struct RougeOptions {
  double beta = 1.2;  // recall weight (pycocoevalcap: 1.2)
};

struct RougeResult {
  double corpus = 0;               // mean over images
  std::vector<double> per_image;  // one score per candidate
};

// Length of the longest common subsequence of two word sequences.
size_t lcs_length(const std::vector<std::string>& a, const std::vector<std::string>& b);

// ROUGE-L of one tokenized candidate against its tokenized references (at least one).
double rouge_l(const std::string& candidate, const std::vector<std::string>& references,
               const RougeOptions& options = {});

RougeResult rouge_l_score(const std::vector<std::string>& candidates,
                          const std::vector<std::vector<std::string>>& references,
                          const RougeOptions& options = {});

}  // namespace ofapt
