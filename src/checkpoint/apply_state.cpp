#include "checkpoint/apply_state.h"

#include <set>
#include <vector>

#include "util/error.h"
#include "util/strings.h"

namespace ofapt {
namespace {

constexpr size_t kMaxListed = 20;  // keys named per list in one message; the rest are counted

// Values convert freely within a family; across families they would change meaning.
enum class DtypeFamily { kFloating, kIntegral, kBool };

DtypeFamily family(at::ScalarType type) {
  if (type == at::kBool) return DtypeFamily::kBool;
  return at::isFloatingType(type) || at::isComplexType(type) ? DtypeFamily::kFloating : DtypeFamily::kIntegral;
}

std::string list(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < kMaxListed; ++i) out += (i ? separator : "") + items[i];
  if (items.size() > kMaxListed) out += str(separator, "... (", items.size() - kMaxListed, " more)");
  return out;
}

// The module's schema. Names that share one tensor (a tied weight registered twice) form a group:
// loading any of its names fills all of them.
struct ModuleSchema {
  std::map<std::string, at::Tensor> tensors;  // every parameter and defined buffer by name
  std::map<std::string, const void*> group;   // name -> the TensorImpl shared by its group
};

ModuleSchema schema_of(const TensorMap& targets) {
  ModuleSchema schema;
  for (const auto& [name, tensor] : targets) {
    if (!tensor.defined()) continue;
    schema.tensors[name] = tensor;
    schema.group[name] = tensor.unsafeGetTensorImpl();
  }
  return schema;
}

}  // namespace

TensorMap module_tensors(torch::nn::Module& module) {
  TensorMap targets;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) targets[item.key()] = item.value();
  for (const auto& item : module.named_buffers(/*recurse=*/true)) targets[item.key()] = item.value();
  return targets;
}

void apply_state_dict(torch::nn::Module& module, const TensorMap& tensors, const std::string& source,
                      const StateSchemaRules& rules) {
  apply_tensors(module_tensors(module), tensors, source, rules);
}

void apply_tensors(const TensorMap& targets, const TensorMap& tensors, const std::string& source,
                   const StateSchemaRules& rules) {
  const ModuleSchema schema = schema_of(targets);
  auto ignored = [&](const std::string& key) { return rules.ignore && rules.ignore(key); };

  // Pair file keys with module keys: own names first, then aliases.
  std::map<std::string, std::string> file_key_for;              // module key -> the file key copied into it
  std::vector<std::pair<std::string, std::string>> duplicates;  // (file key, module key) already filled
  std::vector<std::string> unexpected;
  for (const auto& [key, tensor] : tensors) {
    if (!ignored(key) && schema.tensors.count(key) != 0) file_key_for.emplace(key, key);
  }
  for (const auto& [key, tensor] : tensors) {
    if (ignored(key) || schema.tensors.count(key) != 0) continue;
    auto alias = rules.aliases.find(key);
    if (alias == rules.aliases.end() || schema.tensors.count(alias->second) == 0) {
      unexpected.push_back(key);
    } else if (!file_key_for.emplace(alias->second, key).second) {
      duplicates.emplace_back(key, alias->second);
    }
  }

  std::set<const void*> filled_groups;
  for (const auto& [module_key, file_key] : file_key_for) filled_groups.insert(schema.group.at(module_key));
  std::vector<std::string> missing;
  std::set<const void*> reported_groups;
  for (const auto& [key, tensor] : schema.tensors) {
    const void* group = schema.group.at(key);
    if (filled_groups.count(group) != 0 || (rules.optional && rules.optional(key))) continue;
    if (reported_groups.insert(group).second) missing.push_back(key);
  }
  if (!missing.empty() || !unexpected.empty()) {
    std::string message = str(source, ": the file does not match the model:");
    if (!missing.empty()) {
      message += str(" ", missing.size(), " missing key(s) (in the model, not in the file): ", list(missing, ", "));
    }
    if (!unexpected.empty()) {
      message += str(missing.empty() ? " " : "; ", unexpected.size(),
                     " unexpected key(s) (in the file, not in the model): ", list(unexpected, ", "));
    }
    throw Error(ErrorKind::kSchema, message);
  }

  // Shapes and dtype families, all checked before anything is copied.
  std::vector<std::string> problems;
  auto check = [&](const std::string& file_key, const std::string& module_key, bool shape_only) {
    const at::Tensor& from = tensors.at(file_key);
    const at::Tensor& to = schema.tensors.at(module_key);
    const std::string name =
        file_key == module_key ? str("'", file_key, "'") : str("'", file_key, "' (loaded as '", module_key, "')");
    if (from.sizes() != to.sizes()) {
      problems.push_back(str("tensor ", name, " has shape ", shape_string(from.sizes().vec()), ", the model expects ",
                             shape_string(to.sizes().vec())));
    } else if (!shape_only && family(from.scalar_type()) != family(to.scalar_type())) {
      problems.push_back(str("tensor ", name, " has dtype ", c10::toString(from.scalar_type()), ", the model expects ",
                             c10::toString(to.scalar_type())));
    }
  };
  for (const auto& [module_key, file_key] : file_key_for) check(file_key, module_key, false);
  for (const auto& [file_key, module_key] : duplicates) check(file_key, module_key, true);
  if (problems.size() == 1) throw Error(ErrorKind::kSchema, str(source, ": ", problems[0]));
  if (!problems.empty()) {
    throw Error(ErrorKind::kSchema,
                str(source, ": ", problems.size(), " tensors do not fit the model: ", list(problems, "; ")));
  }

  torch::NoGradGuard no_grad;
  for (const auto& [module_key, file_key] : file_key_for) {
    at::Tensor target = schema.tensors.at(module_key);
    target.copy_(tensors.at(file_key));
  }
}

}  // namespace ofapt
