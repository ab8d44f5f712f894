#include "tuning/input_prompt.h"

#include "text/ofa_vocabulary.h"

namespace ofapt {

InputPromptTuning::InputPromptTuning(SpecReader spec, const OfaConfig& config) : TuningMethod("prompt") {
  spec.choice("kind", "input", {"input"});
  const int64_t length = spec.integer("length", 20, 1, 1024);
  const std::string position = spec.choice("position", "prefix", {"prefix", "middle", "end"});
  position_ = position == "prefix"   ? SoftPromptPosition::kPrefix
              : position == "middle" ? SoftPromptPosition::kMiddle
                                     : SoftPromptPosition::kEnd;
  init_from_vocab_ = spec.choice("init", "vocab", {"vocab", "random"}) == "vocab";
  const double init_std = spec.number("init_std", 0.02, 0.0, 10.0);
  spec.finish();
  set_spec(spec.canonical());
  embeddings_ = register_parameter("input_prompt", torch::randn({length, config.d_model}) * init_std);
}

void InputPromptTuning::attach(OfaModel model) {
  model_ = std::move(model);
  freeze_model();
  if (init_from_vocab_) {
    // Words of the BPE vocabulary: past the specials, before OFA's image codes and location bins
    // (the last kNumCodes + kNumBins ids).
    torch::NoGradGuard no_grad;
    const auto& table = model_->embed_tokens()->weight;
    const int64_t words_end = table.size(0) - text::OfaVocabulary::kNumCodes - text::OfaVocabulary::kNumBins;
    const int64_t last_word = words_end > 4 ? words_end : table.size(0);  // small test vocabularies: any id
    const auto ids = torch::randint(4, last_word, {embeddings_.size(0)}, torch::kLong);
    embeddings_.copy_(table.index_select(0, ids.to(table.device())).to(embeddings_.device()));
  }
  to(model_->parameters().front().device());
}

PromptKV InputPromptTuning::prompt(int64_t batch_size) {
  PromptKV out;
  out.input.embeddings = embeddings_.unsqueeze(0).expand({batch_size, -1, -1});
  out.input.position = position_;
  return out;
}

TensorMap InputPromptTuning::trainable_tensors() { return {{"encoder.input_prompt.weight", embeddings_}}; }

}  // namespace ofapt
