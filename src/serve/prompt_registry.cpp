#include "serve/prompt_registry.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>

#include "tuning/make_method.h"
#include "tuning/tuned_task_file.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt {
namespace {

namespace fs = std::filesystem;

void check_name(const std::string& what, const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && name.front() != '.';
  for (const char c : name)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-');
  OFAPT_CHECK(ok, ErrorKind::kUsage, what, " '", name, "' must be 1-64 of A-Z a-z 0-9 _ . - and not start with '.'");
}

bool valid_name(const std::string& name) {
  try {
    check_name("name", name);
    return true;
  } catch (const Error&) {
    return false;
  }
}

// "v12" -> 12; 0 for anything else.
int64_t version_of(const std::string& directory_name) {
  if (directory_name.size() < 2 || directory_name[0] != 'v') return 0;
  int64_t version = 0;
  for (size_t i = 1; i < directory_name.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(directory_name[i])) || version > (int64_t{1} << 40)) return 0;
    version = version * 10 + (directory_name[i] - '0');
  }
  return version;
}

// A name no other thread or process of this root uses at the same time.
std::string unique_suffix() {
  static std::atomic<int64_t> counter{0};
  return std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// The registry's entry for tenant/name in `entries` (const or not); Error(kNotFound) when absent.
template <typename Map>
auto& find_entry(Map& entries, const std::string& key, const std::string& name) {
  auto found = entries.find(key);
  OFAPT_CHECK(found != entries.end(), ErrorKind::kNotFound, "no tuned task '", name, "' for this tenant");
  return found->second;
}

// std::filesystem reports errors as exceptions of its own; the server reports Error(kIo).
template <typename Operation>
void filesystem(const std::string& what, Operation operation) {
  try {
    operation();
  } catch (const fs::filesystem_error& e) {
    throw Error(ErrorKind::kIo, what + ": " + e.what());
  }
}

std::vector<fs::path> subdirectories(const fs::path& directory) {
  std::vector<fs::path> out;
  filesystem(directory.string(), [&] {
    for (const auto& item : fs::directory_iterator(directory)) {
      if (item.is_directory()) out.push_back(item.path());
    }
  });
  return out;
}

}  // namespace

PromptRegistry::Key PromptRegistry::key_of(const std::string& tenant, const std::string& name) {
  return tenant + "/" + name;
}

PromptRegistry::PromptRegistry(const OfaConfig& config, ModelFingerprint base, PromptRegistryOptions options)
    : config_(config), base_(std::move(base)), options_(std::move(options)) {
  OFAPT_CHECK(!options_.root.empty(), ErrorKind::kUsage, "prompt registry: no directory given");
  OFAPT_CHECK(options_.memory_budget_bytes >= 0, ErrorKind::kUsage, "prompt registry: negative memory budget");
  make_directories(options_.root);
  for (const auto& tenant_dir : subdirectories(options_.root)) {
    const std::string tenant = tenant_dir.filename().string();
    if (!valid_name(tenant)) continue;
    for (const auto& task_dir : subdirectories(tenant_dir)) {
      const std::string name = task_dir.filename().string();
      if (!valid_name(name)) {
        // Leftovers of a killed put or remove.
        if (name.rfind(".removed-", 0) == 0) filesystem(task_dir.string(), [&] { fs::remove_all(task_dir); });
        continue;
      }
      // The newest complete version wins; temporaries and older versions are leftovers.
      int64_t newest = 0;
      for (const auto& version_dir : subdirectories(task_dir)) {
        const int64_t version = version_of(version_dir.filename().string());
        if (version > newest && file_exists((version_dir / kTunedConfigFile).string())) newest = version;
      }
      for (const auto& version_dir : subdirectories(task_dir)) {
        if (version_of(version_dir.filename().string()) != newest)
          filesystem(version_dir.string(), [&] { fs::remove_all(version_dir); });
      }
      if (newest == 0) continue;
      Entry entry;
      entry.directory = (task_dir / ("v" + std::to_string(newest))).string();
      const auto task_config =
          nlohmann::json::parse(read_file(join_path(entry.directory, kTunedConfigFile)), nullptr, false);
      // Listed even when unreadable: acquire() then reports the file's problem to whoever asks for it.
      if (!task_config.is_object()) {
        entry.info = {tenant, name, newest, "", "", 0, false};
        entries_.emplace(key_of(tenant, name), std::move(entry));
        continue;
      }
      entry.info = {tenant,
                    name,
                    newest,
                    task_config.value("spec", ""),
                    task_config.value("tensors_hash", ""),
                    file_bytes(join_path(entry.directory, kTunedTensorsFile)),
                    false};
      entries_.emplace(key_of(tenant, name), std::move(entry));
    }
  }
}

std::shared_ptr<const ServedPrompt> PromptRegistry::fold(const std::string& directory, RegisteredPrompt* info) const {
  const TunedTask task = read_tuned_task(directory);
  OFAPT_CHECK(task.base == base_, ErrorKind::kSchema, directory,
              ": this tuned task was trained on another base model (config hash ", task.base.config_hash,
              ", weights hash ", task.base.weights_hash, "; the server's are ", base_.config_hash, ", ",
              base_.weights_hash, ")");
  auto method = std::dynamic_pointer_cast<PrefixTuning>(make_method(task.spec, config_));
  OFAPT_CHECK(method != nullptr, ErrorKind::kUsage, directory, ": '", task.spec,
              "' is not prefix prompt tuning; the server mixes only prefix prompts in its frozen model's batches");
  method->load_tensors(task.tensors, join_path(directory, kTunedTensorsFile));
  auto prompt = std::make_shared<const ServedPrompt>(ServedPrompt::from_method(*method, config_));
  if (info != nullptr) {
    info->spec = task.spec;
    info->tensors_hash = task.config.value("tensors_hash", "");
    info->bytes = prompt->bytes();
  }
  return prompt;
}

RegisteredPrompt PromptRegistry::put(const std::string& tenant, const std::string& name,
                                     const std::string& source_directory) {
  check_name("tenant", tenant);
  check_name("task name", name);
  RegisteredPrompt info{tenant, name, 0, "", "", 0, true};
  auto prompt = fold(source_directory, &info);  // refuses a bad file before anything is written

  // Copy into a temporary beside the versions, then rename it into place under the lock.
  const fs::path task_dir = fs::path(options_.root) / tenant / name;
  make_directories(task_dir.string());
  const fs::path temporary = task_dir / (".tmp-" + unique_suffix());
  make_directory(temporary.string());
  for (const char* file : {kTunedTensorsFile, kTunedConfigFile}) {
    write_file_atomic((temporary / file).string(), read_file(join_path(source_directory, file)));
  }

  std::unique_lock<std::mutex> lock(mutex_);
  const Key key = key_of(tenant, name);
  auto found = entries_.find(key);
  info.version = found == entries_.end() ? 1 : found->second.info.version + 1;
  const fs::path version_dir = task_dir / ("v" + std::to_string(info.version));
  filesystem(version_dir.string(), [&] {
    fs::remove_all(version_dir);  // a leftover of a put killed after its rename but before its record
    fs::rename(temporary, version_dir);
  });
  std::string previous;
  if (found != entries_.end()) {
    previous = found->second.directory;
    drop_resident(found->second);
  } else {
    found = entries_.emplace(key, Entry{}).first;
  }
  found->second.info = info;
  found->second.directory = version_dir.string();
  make_resident(key, found->second, std::move(prompt));
  evict_beyond_budget(key);
  lock.unlock();
  if (!previous.empty()) filesystem(previous, [&] { fs::remove_all(previous); });
  return info;
}

bool PromptRegistry::remove(const std::string& tenant, const std::string& name) {
  if (!valid_name(tenant) || !valid_name(name)) return false;
  std::unique_lock<std::mutex> lock(mutex_);
  auto found = entries_.find(key_of(tenant, name));
  if (found == entries_.end()) return false;
  drop_resident(found->second);
  entries_.erase(found);
  // Renamed first, so a kill during the removal leaves no half-deleted task that a restart would load.
  const fs::path task_dir = fs::path(options_.root) / tenant / name;
  const fs::path removed = fs::path(options_.root) / tenant / (".removed-" + name + "-" + unique_suffix());
  filesystem(task_dir.string(), [&] { fs::rename(task_dir, removed); });
  lock.unlock();
  filesystem(removed.string(), [&] { fs::remove_all(removed); });
  return true;
}

std::vector<RegisteredPrompt> PromptRegistry::list(const std::string& tenant) const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<RegisteredPrompt> out;
  const Key prefix = tenant + "/";
  for (auto it = entries_.lower_bound(prefix); it != entries_.end() && it->first.rfind(prefix, 0) == 0; ++it) {
    out.push_back(it->second.info);
  }
  return out;
}

RegisteredPrompt PromptRegistry::describe(const std::string& tenant, const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return find_entry(entries_, key_of(tenant, name), name).info;
}

std::shared_ptr<const ServedPrompt> PromptRegistry::acquire(const std::string& tenant, const std::string& name,
                                                            RegisteredPrompt* served) {
  std::unique_lock<std::mutex> lock(mutex_);
  const Key key = key_of(tenant, name);
  Entry* entry = &find_entry(entries_, key, name);
  if (entry->prompt) {
    recent_.splice(recent_.begin(), recent_, entry->recent);
    if (served != nullptr) *served = entry->info;
    return entry->prompt;
  }
  RegisteredPrompt described = entry->info;
  // Read it back from disk without holding the lock; the version asked for is the one served.
  const std::string directory = entry->directory;
  const int64_t version = entry->info.version;
  lock.unlock();
  RegisteredPrompt info;
  auto prompt = fold(directory, &info);
  described.bytes = info.bytes;
  if (served != nullptr) *served = described;
  lock.lock();
  auto found = entries_.find(key);
  if (found != entries_.end() && found->second.info.version == version) {
    if (found->second.prompt) return found->second.prompt;  // another request read it meanwhile
    found->second.info.bytes = info.bytes;
    make_resident(key, found->second, prompt);
    evict_beyond_budget(key);
  }
  return prompt;
}

void PromptRegistry::make_resident(const Key& key, Entry& entry, std::shared_ptr<const ServedPrompt> prompt) {
  entry.prompt = std::move(prompt);
  entry.info.resident = true;
  entry.info.bytes = entry.prompt->bytes();
  resident_bytes_ += entry.info.bytes;
  recent_.push_front(key);
  entry.recent = recent_.begin();
}

void PromptRegistry::drop_resident(Entry& entry) {
  if (!entry.prompt) return;
  resident_bytes_ -= entry.info.bytes;
  recent_.erase(entry.recent);
  entry.prompt.reset();
  entry.info.resident = false;
}

void PromptRegistry::evict_beyond_budget(const Key& keep) {
  // Least recently used first; the prompt just used stays even when it alone exceeds the budget.
  auto it = recent_.end();
  while (resident_bytes_ > options_.memory_budget_bytes && it != recent_.begin()) {
    --it;
    if (*it == keep) continue;
    Entry& victim = entries_.at(*it);
    it = std::next(it);  // drop_resident erases the victim's position
    drop_resident(victim);
  }
}

int64_t PromptRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(entries_.size());
}

int64_t PromptRegistry::resident_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return resident_bytes_;
}

}  // namespace ofapt
