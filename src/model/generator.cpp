#include "model/generator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/error.h"

namespace ofapt {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// One live beam row: its tokens (bos first), per-token log-probs and cumulative score.
struct BeamRow {
  int64_t sample = 0;
  std::vector<int64_t> tokens;
  std::vector<float> logprobs;
  double score = 0.0;
};

// Tokens that would complete an n-gram already present in `tokens`.
std::vector<int64_t> repeated_ngram_tokens(const std::vector<int64_t>& tokens, int64_t n) {
  std::vector<int64_t> banned;
  const int64_t length = static_cast<int64_t>(tokens.size());
  if (n <= 0 || length < n) return banned;
  const auto tail = tokens.end() - (n - 1);
  for (int64_t start = 0; start + n <= length; ++start) {
    if (std::equal(tokens.begin() + start, tokens.begin() + start + n - 1, tail)) {
      banned.push_back(tokens[start + n - 1]);
    }
  }
  return banned;
}

double normalized(double score, int64_t length, const GenerationOptions& options) {
  return options.normalize_scores ? score / std::pow(static_cast<double>(length), options.length_penalty) : score;
}

}  // namespace

std::vector<std::vector<Hypothesis>> generate(OfaModel& model, const EncoderInput& input,
                                              const GenerationOptions& options, const PromptKV& prompt,
                                              const torch::Tensor& prefix_tokens) {
  const OfaConfig& config = model->config();
  OFAPT_CHECK(options.beam_size >= 1, ErrorKind::kUsage, "beam size must be at least 1");
  OFAPT_CHECK(options.max_length >= 1, ErrorKind::kUsage, "max length must be at least 1");
  OFAPT_CHECK(options.nbest >= 1 && options.nbest <= options.beam_size, ErrorKind::kUsage,
              "nbest must be between 1 and the beam size");
  OFAPT_CHECK(options.constraint_begin < 0 ||
                  (options.constraint_begin < options.constraint_end && options.constraint_end <= config.vocab_size),
              ErrorKind::kUsage, "constraint range [", options.constraint_begin, ",", options.constraint_end,
              ") is not inside the vocabulary of ", config.vocab_size);
  c10::InferenceMode inference;
  const int64_t batch = input.tokens.size(0);
  const int64_t beam = options.beam_size;
  const int64_t vocab = config.vocab_size;
  const int64_t eos = config.eos_token_id;
  const auto device = input.tokens.device();

  std::vector<std::vector<int64_t>> prefixes(batch);
  if (prefix_tokens.defined()) {
    auto cpu = prefix_tokens.to(torch::kCPU).contiguous();
    for (int64_t s = 0; s < batch; ++s) {
      for (int64_t j = 0; j < cpu.size(1) && cpu[s][j].item<int64_t>() != config.pad_token_id; ++j) {
        prefixes[s].push_back(cpu[s][j].item<int64_t>());
      }
    }
  }

  // Encode once, then give every sample `beam` rows.
  auto expand = torch::arange(batch, torch::TensorOptions().dtype(torch::kLong).device(device))
                    .repeat_interleave(beam);
  EncoderOutput encoder_out = model->encode(input, prompt).index_select(expand);
  PromptKV decoder_prompt{{}, prompt.decoder};
  if (!prompt.decoder.empty()) decoder_prompt = index_select_rows(decoder_prompt, expand);
  DecoderState state;

  std::vector<BeamRow> rows;
  for (int64_t s = 0; s < batch; ++s) {
    for (int64_t b = 0; b < beam; ++b) rows.push_back({s, {config.bos_token_id}, {}, 0.0});
  }
  std::vector<std::vector<Hypothesis>> finished(batch);

  for (int64_t step = 0; !rows.empty(); ++step) {
    const int64_t n = static_cast<int64_t>(rows.size());
    auto tokens = torch::empty({n, step + 1}, torch::kLong);
    for (int64_t r = 0; r < n; ++r) {
      std::copy(rows[r].tokens.begin(), rows[r].tokens.end(), tokens[r].data_ptr<int64_t>());
    }
    auto logits = model->decode(tokens.to(device), encoder_out, decoder_prompt, &state).select(1, -1);
    if (options.temperature != 1.0) logits = logits / options.temperature;
    // The log-probabilities stay on the model's device: the masks are a few indexed writes and the
    // candidates one batched top-k, so only 2*beam candidates per sample cross to the host.
    auto lprobs = torch::log_softmax(logits.to(torch::kFloat), -1);

    // Masks shared by every row.
    lprobs.select(1, config.pad_token_id).fill_(kNegInf);
    if (options.constraint_begin >= 0) {
      lprobs.slice(1, 4, options.constraint_begin).fill_(kNegInf);
      lprobs.slice(1, options.constraint_end).fill_(kNegInf);
    }
    if (step >= options.max_length) {  // only with force_eos_at_max: the last step emits eos
      auto eos_column = lprobs.select(1, eos).clone();
      lprobs.fill_(kNegInf);
      lprobs.select(1, eos).copy_(eos_column);
    }
    if (step < options.min_length) lprobs.select(1, eos).fill_(kNegInf);

    // Masks of each row, gathered on the host and written at once: a forced prefix token or the
    // trie's allowed tokens keep only those columns; then tokens that repeat an n-gram are banned.
    std::vector<int64_t> restricted_rows, kept_rows, kept_tokens, banned_rows, banned_tokens;
    for (int64_t r = 0; r < n; ++r) {
      const auto& prefix = prefixes[rows[r].sample];
      const auto keep_only = [&](const std::vector<int64_t>& allowed) {
        restricted_rows.push_back(r);
        for (int64_t token : allowed) {
          if (token >= vocab) continue;
          kept_rows.push_back(r);
          kept_tokens.push_back(token);
        }
      };
      if (step < static_cast<int64_t>(prefix.size())) {
        keep_only({prefix[step]});
      } else if (options.trie != nullptr) {
        std::vector<int64_t> answer(rows[r].tokens.begin() + 1 + prefix.size(), rows[r].tokens.end());
        keep_only(options.trie->allowed_next(answer));
      }
      for (int64_t token : repeated_ngram_tokens(rows[r].tokens, options.no_repeat_ngram_size)) {
        banned_rows.push_back(r);
        banned_tokens.push_back(token);
      }
    }
    const auto on_device = [&](const std::vector<int64_t>& values) { return torch::tensor(values).to(device); };
    if (!restricted_rows.empty()) {
      std::vector<torch::indexing::TensorIndex> kept_at;
      torch::Tensor kept_values;
      if (!kept_rows.empty()) {
        kept_at = {on_device(kept_rows), on_device(kept_tokens)};
        kept_values = lprobs.index(kept_at);
      }
      lprobs.index_fill_(0, on_device(restricted_rows), kNegInf);
      if (!kept_rows.empty()) lprobs.index_put_(kept_at, kept_values);
    }
    if (!banned_rows.empty()) lprobs.index_put_({on_device(banned_rows), on_device(banned_tokens)}, kNegInf);

    // Candidates per sample: top 2*beam over (row, token), as fairseq does. Rows come in blocks of
    // `beam` per live sample; at step 0 every row of a sample is the same, so only the first counts.
    const int64_t groups = n / beam;
    const int64_t live = step == 0 ? 1 : beam;
    std::vector<float> row_scores(n);
    for (int64_t r = 0; r < n; ++r) row_scores[r] = static_cast<float>(rows[r].score);
    auto live_lprobs = lprobs.view({groups, beam, vocab}).slice(1, 0, live).reshape({groups, live * vocab});
    auto scores = (lprobs + torch::tensor(row_scores).to(device).unsqueeze(1))
                      .view({groups, beam, vocab})
                      .slice(1, 0, live)
                      .reshape({groups, live * vocab});
    auto [top_values, top_indices] = scores.topk(std::min<int64_t>(2 * beam, live * vocab), 1);
    // Two transfers per step: the candidates' scores stacked with their tokens' log-probs, and
    // their indices.
    const auto candidates = torch::stack({top_values, live_lprobs.gather(1, top_indices)}).to(torch::kCPU);
    const auto indices = top_indices.to(torch::kCPU);
    const auto candidate = candidates.accessor<float, 3>();
    const auto index = indices.accessor<int64_t, 2>();
    std::vector<BeamRow> next_rows;
    std::vector<int64_t> parents;
    for (int64_t group = 0; group < groups; ++group) {
      const int64_t first = group * beam;
      const int64_t sample = rows[first].sample;
      const bool last_step = !options.force_eos_at_max && step + 1 >= options.max_length;
      int64_t kept = 0;
      for (int64_t j = 0; j < indices.size(1) && kept < beam; ++j) {
        const double value = candidate[0][group][j];
        if (!std::isfinite(value)) break;
        const int64_t parent = first + index[group][j] / vocab;
        const int64_t token = index[group][j] % vocab;
        BeamRow extended = rows[parent];
        extended.tokens.push_back(token);
        extended.logprobs.push_back(candidate[1][group][j]);
        extended.score = value;
        const int64_t generated = static_cast<int64_t>(extended.tokens.size()) - 1;
        if (token == eos || last_step) {
          // fairseq finalises eos only among the first `beam` candidates; a capped row ends here too.
          if (j < beam && static_cast<int64_t>(finished[sample].size()) < beam) {
            finished[sample].push_back(
                {extended.tokens, extended.logprobs, normalized(extended.score, generated, options)});
          }
          continue;
        }
        next_rows.push_back(std::move(extended));
        parents.push_back(parent);
        ++kept;
      }
      // A sample is done once it has `beam` finished hypotheses or nothing left to extend.
      if (static_cast<int64_t>(finished[sample].size()) >= beam || kept == 0) {
        next_rows.resize(next_rows.size() - kept);
        parents.resize(parents.size() - kept);
        continue;
      }
      // Fewer live candidates than beams (a narrow constraint): pad with dead rows that never win.
      for (; kept < beam; ++kept) {
        next_rows.push_back(next_rows.back());
        next_rows.back().score = kNegInf;
        parents.push_back(parents.back());
      }
    }
    if (next_rows.empty()) break;
    auto order = torch::tensor(parents, torch::kLong).to(device);
    state.index_select(order);
    encoder_out = encoder_out.index_select(order);
    if (!decoder_prompt.decoder.empty()) decoder_prompt = index_select_rows(decoder_prompt, order);
    rows = std::move(next_rows);
  }

  for (auto& hypotheses : finished) {
    std::stable_sort(hypotheses.begin(), hypotheses.end(),
                     [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
    if (static_cast<int64_t>(hypotheses.size()) > options.nbest) hypotheses.resize(options.nbest);
  }
  return finished;
}

}  // namespace ofapt
