// The identity of a base model: a hash of its architecture and a hash of its weights. A tuned-task
// file records its base's fingerprint, and loading it on another base is refused.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "model/ofa_model.h"

namespace ofapt {

struct ModelFingerprint {
  std::string config_hash;   // architecture fields of config.json (dropout rates excluded)
  std::string weights_hash;  // every parameter and buffer: name, dtype, shape, float32 values

  nlohmann::json to_json() const;
  static ModelFingerprint from_json(const nlohmann::json& json, const std::string& source);
  bool operator==(const ModelFingerprint& other) const {
    return config_hash == other.config_hash && weights_hash == other.weights_hash;
  }
};

ModelFingerprint fingerprint_model(OfaModel& model);

}  // namespace ofapt
