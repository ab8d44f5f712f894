// n-gram counting as pycocoevalcap's precook (bleu_scorer.py, cider_scorer.py).
#include "metrics/ngram_counts.h"

namespace ofapt {

NgramCounts count_ngrams(const std::vector<std::string>& words, int max_n) {
  NgramCounts counts;
  for (int n = 1; n <= max_n; ++n) {
    for (size_t i = 0; i + n <= words.size(); ++i) {
      ++counts[Ngram(words.begin() + i, words.begin() + i + n)];
    }
  }
  return counts;
}

}  // namespace ofapt
