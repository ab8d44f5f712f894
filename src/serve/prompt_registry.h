// The server's tuned tasks: one frozen base model, any number of prompt-tuned tasks, each owned by a
// tenant. On disk (the server's --prompts directory) every registered task is a tuned-task directory
//   <root>/<tenant>/<name>/v<k>/    adapter_config.json, adapter_model.safetensors
// written once and never changed: a replacement is v<k+1>, built under a temporary name and renamed
// into place, so a killed server leaves the old version or the new one, never a torn one. In memory,
// the most recently used prompts are kept folded (ServedPrompt) up to a byte budget; the others are
// read back from disk when a request needs them (least recently used first out).
//
// Thread-safe. A prompt handed out by acquire() stays valid while its holder keeps it, even when the
// task is replaced, removed or evicted meanwhile: batches in flight never see a half-swapped prompt.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "model/ofa_config.h"
#include "tuning/model_fingerprint.h"
#include "tuning/prompt_bank.h"

namespace ofapt {

struct PromptRegistryOptions {
  std::string root;                                // directory of the registered tasks (created if absent)
  int64_t memory_budget_bytes = int64_t{1} << 30;  // folded prompts kept in memory
};

struct RegisteredPrompt {
  std::string tenant, name;
  int64_t version = 0;       // 1 for the first registration, +1 per replacement
  std::string spec;          // the tuning spec of its tensors
  std::string tensors_hash;  // of adapter_model.safetensors: what a client can compare
  int64_t bytes = 0;         // memory of the folded prompt (resident or not)
  bool resident = false;     // in memory now
};

class PromptRegistry {
 public:
  // Registers every task found under options.root (their tensors are read on first use).
  PromptRegistry(const OfaConfig& config, ModelFingerprint base, PromptRegistryOptions options);

  // Registers, or replaces, the tenant's task `name` from a tuned-task directory. Refused (Error)
  // when the directory is not a valid tuned task (kFormat/kIo), was trained on another base model
  // (kSchema), is not prompt tuning (kUsage: only prompts mix in one frozen model's batches), or the
  // tenant or name is not [A-Za-z0-9_.-]{1,64} (kUsage).
  RegisteredPrompt put(const std::string& tenant, const std::string& name, const std::string& source_directory);
  // Removes the tenant's task; false when it has none of that name.
  bool remove(const std::string& tenant, const std::string& name);
  // The tenant's tasks, by name.
  std::vector<RegisteredPrompt> list(const std::string& tenant) const;
  // The tenant's task, read from disk if it is not in memory. Error(kNotFound) when the tenant has
  // no task of that name (another tenant's task of the same name is not found either). `served`, when
  // given, receives the description of the very version returned.
  std::shared_ptr<const ServedPrompt> acquire(const std::string& tenant, const std::string& name,
                                              RegisteredPrompt* served = nullptr);
  RegisteredPrompt describe(const std::string& tenant, const std::string& name) const;

  int64_t size() const;            // registered tasks
  int64_t resident_bytes() const;  // folded prompts in memory

 private:
  struct Entry {
    RegisteredPrompt info;
    std::string directory;                       // <root>/<tenant>/<name>/v<version>
    std::shared_ptr<const ServedPrompt> prompt;  // null when not resident
    std::list<std::string>::iterator recent;     // position in recent_ when resident
  };
  using Key = std::string;  // tenant + '/' + name: names cannot hold '/'
  static Key key_of(const std::string& tenant, const std::string& name);

  std::shared_ptr<const ServedPrompt> fold(const std::string& directory, RegisteredPrompt* info) const;
  void make_resident(const Key& key, Entry& entry, std::shared_ptr<const ServedPrompt> prompt);
  void evict_beyond_budget(const Key& keep);
  void drop_resident(Entry& entry);

  OfaConfig config_;
  ModelFingerprint base_;
  PromptRegistryOptions options_;
  mutable std::mutex mutex_;
  std::map<Key, Entry> entries_;
  std::list<Key> recent_;  // resident keys, most recently used first
  int64_t resident_bytes_ = 0;
};

}  // namespace ofapt
