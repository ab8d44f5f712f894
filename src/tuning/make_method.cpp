#include "tuning/make_method.h"

#include "tuning/adapter.h"
#include "tuning/bitfit.h"
#include "tuning/full_finetuning.h"
#include "tuning/input_prompt.h"
#include "tuning/lora.h"
#include "tuning/prefix_tuning.h"
#include "util/error.h"

namespace ofapt {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names = {"prompt", "adapter", "bitfit", "lora", "finetune"};
  return names;
}

std::shared_ptr<TuningMethod> make_method(const std::string& spec, const OfaConfig& config) {
  const TuningSpec parsed = TuningSpec::parse(spec);
  SpecReader reader(parsed);
  if (parsed.method == "prompt") {
    // prompt:kind=prefix (the paper's per-layer key/values, the default) or kind=input (soft tokens).
    const auto kind = parsed.options.find("kind");
    if (kind != parsed.options.end() && kind->second == "input") return std::make_shared<InputPromptTuning>(reader, config);
    return std::make_shared<PrefixTuning>(reader, config);
  }
  if (parsed.method == "adapter") return std::make_shared<AdapterTuning>(reader, config);
  if (parsed.method == "bitfit") return std::make_shared<BitFitTuning>(reader);
  if (parsed.method == "lora") return std::make_shared<LoraTuning>(reader, config);
  if (parsed.method == "finetune") return std::make_shared<FullFinetuning>(reader);
  throw Error(ErrorKind::kUsage,
              str("tuning spec '", spec, "': unknown method '", parsed.method, "' (prompt, adapter, bitfit, lora, finetune)"));
}

std::shared_ptr<TuningMethod> attach_method(const std::string& spec, OfaModel model) {
  auto method = make_method(spec, model->config());
  method->attach(std::move(model));
  return method;
}

double default_learning_rate(const std::string& method) {
  if (method == "prompt") return 3e-2;    // the paper's setting (appendix A.1)
  if (method == "finetune") return 5e-5;  // the base-size finetuning scripts
  return 1e-3;                            // adapter, bitfit, lora: small new/bias tensors
}

}  // namespace ofapt
