#include "tuning/bitfit.h"

#include "util/error.h"
#include "util/strings.h"

namespace ofapt {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The fairseq spelling of the layer-norm names our modules rename (checkpoint/key_names.h).
std::string fairseq_spelling(std::string name) {
  for (const auto& [hf, fairseq] :
       std::vector<std::pair<std::string, std::string>>{{".self_attn_mid_layer_norm.", ".attn_ln."},
                                                        {".ffn_layer_norm.", ".ffn_layernorm."},
                                                        {".cross_attn_layer_norm.", ".encoder_attn_layer_norm."},
                                                        {".cross_attn_mid_layer_norm.", ".cross_attn_ln."}}) {
    const auto at = name.find(hf);
    if (at != std::string::npos) name.replace(at, hf.size(), fairseq);
  }
  return name;
}

}  // namespace

bool is_reference_bitfit_parameter(const std::string& name) {
  const std::string fairseq = fairseq_spelling(name);
  return contains(fairseq, "bias") && (contains(fairseq, "layer_norm") || contains(fairseq, "fc"));
}

BitFitTuning::BitFitTuning(SpecReader spec) : TuningMethod("bitfit") {
  all_biases_ = spec.flag("all", false);
  spec.finish();
  set_spec(spec.canonical());
}

void BitFitTuning::attach(OfaModel model) {
  model_ = std::move(model);
  freeze_model();
  for (auto& item : model_->named_parameters()) {
    const std::string& name = item.key();
    const bool selected = all_biases_ ? ends_with(name, "bias") : is_reference_bitfit_parameter(name);
    if (!selected) continue;
    item.value().set_requires_grad(true);
    biases_[name] = item.value();
  }
  OFAPT_CHECK(!biases_.empty(), ErrorKind::kInternal, "bitfit selected no bias of the model");
}

TensorMap BitFitTuning::trainable_tensors() { return biases_; }

}  // namespace ofapt
