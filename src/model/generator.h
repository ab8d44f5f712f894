// Beam search over the OFA decoder with a KV cache (ofa-spec section 6, fairseq SequenceGenerator
// semantics): starts from bos, pad never chosen, min/max length, forced prefix tokens, no-repeat n-grams,
// and constraints to a token range or to a trie of allowed sequences.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/ofa_model.h"
#include "model/sequence_trie.h"

namespace ofapt {

struct GenerationOptions {
  int64_t beam_size = 5;                // hypotheses kept per sample (1 = greedy)
  int64_t min_length = 1;               // eos is banned before this many generated tokens (prefix included)
  int64_t max_length = 16;              // at most this many tokens after bos
  bool force_eos_at_max = false;        // fairseq: at max_length, emit a forced eos whose log-prob counts
  int64_t no_repeat_ngram_size = 0;     // ban any n-gram from repeating within a hypothesis (0 = off)
  double length_penalty = 1.0;          // final score = sum log p / length^penalty
  bool normalize_scores = true;         // false = raw sum of log-probs (VQA beam evaluation)
  double temperature = 1.0;             // logits are divided by this before the softmax
  int64_t constraint_begin = -1;        // when >= 0, only specials 0-3 and [begin, end) may be generated
  int64_t constraint_end = -1;
  const SequenceTrie* trie = nullptr;   // when set, tokens after the forced prefix must follow the trie
  int64_t nbest = 1;                    // hypotheses returned per sample
};

struct Hypothesis {
  std::vector<int64_t> tokens;          // bos, generated tokens (eos included when generated)
  std::vector<float> token_logprobs;    // log p of each token after bos
  double score = 0.0;                   // normalised as GenerationOptions says
};

// Generates for every sample of `input`; prefix_tokens (optional, [B, p]) are forced after bos
// (pad entries end a shorter prefix). Returns nbest hypotheses per sample, best first.
std::vector<std::vector<Hypothesis>> generate(OfaModel& model, const EncoderInput& input,
                                              const GenerationOptions& options, const PromptKV& prompt = {},
                                              const torch::Tensor& prefix_tokens = {});

}  // namespace ofapt
