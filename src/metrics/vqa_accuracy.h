// OFA's VQA and SNLI-VE accuracy (ofa-spec 12.1, 12.2; utils/eval_utils.py eval_vqa_gen and
// eval_snli_ve): a prediction scores the confidence its answer has in the row's reference map
// (0 if absent), and accuracy is the mean score. The reference map comes from OFA's answer
// column "conf|!+answer&&conf|!+answer" (data/mm_data/vqa_gen_dataset.py).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ofapt {

using AnswerConfidences = std::map<std::string, double>;  // answer -> confidence

// Parses "0.6|!+two&&1.0|!+2": answers separated by "&&", each "confidence|!+answer". A repeated
// answer keeps its last confidence (as Python's dict comprehension). Throws Error(kInput), quoting
// the text, on an empty item, a missing separator, a repeated separator or a bad number.
AnswerConfidences parse_vqa_answers(const std::string& text);

// ref_dict.get(prediction, 0).
double vqa_score(const std::string& prediction, const AnswerConfidences& references);

// Mean of vqa_score over rows; predictions[i] goes with references[i].
double vqa_accuracy(const std::vector<std::string>& predictions,
                    const std::vector<AnswerConfidences>& references);

}  // namespace ofapt
