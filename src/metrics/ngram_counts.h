// n-gram counts of a tokenized sentence, shared by BLEU and CIDEr-D (both "precook" a sentence:
// Python str.split(), then every n-gram of length 1..max_n with its count).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ofapt {

using Ngram = std::vector<std::string>;
using NgramCounts = std::map<Ngram, int>;

// Counts of all n-grams with 1 <= n <= max_n of `words`.
NgramCounts count_ngrams(const std::vector<std::string>& words, int max_n);

}  // namespace ofapt
