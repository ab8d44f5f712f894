// Spec strings name a tuning setup everywhere (CLI, files, logs, benchmarks):
//   "prompt:length=64,depth=both,reparam=mlp"   "lora:rank=8,targets=q_proj+v_proj"   "bitfit:all"
// A method name, then comma-separated key=value options; a bare word is the flag word=true.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ofapt {

struct TuningSpec {
  std::string method;                          // prompt, adapter, bitfit, lora, finetune
  std::map<std::string, std::string> options;  // as written

  // Throws Error(kUsage) quoting the text when it is malformed.
  static TuningSpec parse(const std::string& text);
  // Canonical form: options sorted by key, flags as word=true.
  std::string to_string() const;
};

// Typed, checked access to a spec's options. Every read records its key and the canonical value,
// so finish() can reject unknown keys (listing the known ones) and canonical() can spell out defaults.
class SpecReader {
 public:
  explicit SpecReader(TuningSpec spec);

  int64_t integer(const std::string& key, int64_t fallback, int64_t min, int64_t max);
  double number(const std::string& key, double fallback, double min, double max);
  bool flag(const std::string& key, bool fallback);
  std::string choice(const std::string& key, const std::string& fallback, const std::vector<std::string>& choices);
  std::string text(const std::string& key, const std::string& fallback);
  bool has(const std::string& key) const { return spec_.options.count(key) != 0; }

  // Throws Error(kUsage) if the spec has keys nobody read.
  void finish() const;
  // method:key=value,... with every read option, defaults included.
  std::string canonical() const;

 private:
  const std::string* find(const std::string& key);

  TuningSpec spec_;
  std::map<std::string, std::string> resolved_;
};

}  // namespace ofapt
