// Corpus BLEU-1..N exactly as pycocoevalcap's Bleu(4) (bleu/bleu_scorer.py, after David Chiang's
// scorer): per sentence, clipped n-gram matches against the maximum count over its references and
// the "closest" reference length (ties go to the shorter); the corpus score pools the matches,
// guesses and lengths of all sentences; `tiny` and `small` keep zero counts finite; the brevity
// penalty exp(1 - ref/test) applies when test < ref. Inputs are already-tokenized strings.
#pragma once

#include <string>
#include <vector>

namespace ofapt {

struct BleuOptions {
  int max_n = 4;  // BLEU-1..max_n are reported (pycocoevalcap: Bleu(4))
};

struct BleuResult {
  std::vector<double> corpus;                  // [n-1]: corpus BLEU-n
  std::vector<std::vector<double>> per_image;  // [image][n-1]: sentence BLEU-n, as pycocoevalcap lists them
  double test_length = 0;                      // total candidate words
  double reference_length = 0;                 // total closest-reference words
};

// candidates[i] is scored against references[i] (at least one each).
BleuResult bleu_score(const std::vector<std::string>& candidates,
                      const std::vector<std::vector<std::string>>& references,
                      const BleuOptions& options = {});

}  // namespace ofapt
