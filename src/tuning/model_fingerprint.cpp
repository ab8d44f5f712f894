#include "tuning/model_fingerprint.h"

#include "checkpoint/model_files.h"
#include "util/error.h"
#include "util/hash.h"

namespace ofapt {

nlohmann::json ModelFingerprint::to_json() const {
  return {{"config_hash", config_hash}, {"weights_hash", weights_hash}};
}

ModelFingerprint ModelFingerprint::from_json(const nlohmann::json& json, const std::string& source) {
  OFAPT_CHECK(json.is_object() && json.contains("config_hash") && json.contains("weights_hash") &&
                  json["config_hash"].is_string() && json["weights_hash"].is_string(),
              ErrorKind::kFormat, source, ": base_model needs string fields config_hash and weights_hash");
  return {json["config_hash"].get<std::string>(), json["weights_hash"].get<std::string>()};
}

ModelFingerprint fingerprint_model(OfaModel& model) {
  // Dropout and drop-path rates change training, not the function the weights compute.
  nlohmann::json config = model->config().to_json();
  for (auto it = config.begin(); it != config.end();) {
    const std::string& key = it.key();
    const bool training_only = key.find("dropout") != std::string::npos || key.find("drop_path") != std::string::npos;
    it = training_only ? config.erase(it) : std::next(it);
  }
  ModelFingerprint fingerprint;
  fingerprint.config_hash = Hash64().update(config.dump()).hex();

  torch::NoGradGuard no_grad;
  Hash64 weights;
  for (const auto& [name, tensor] : model_state(model)) {  // sorted by name
    auto values = tensor.is_floating_point() ? tensor.to(torch::kFloat) : tensor;
    values = values.to(torch::kCPU).contiguous();
    weights.update(name).update(std::string(c10::toString(values.scalar_type())));
    for (const int64_t size : values.sizes()) weights.update(&size, sizeof(size));
    weights.update(values.data_ptr(), values.numel() * values.element_size());
  }
  fingerprint.weights_hash = weights.hex();
  return fingerprint;
}

}  // namespace ofapt
