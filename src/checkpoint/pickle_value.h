// PickleValue: the inert tree that a Python pickle decodes to. Reading a pickle here never calls
// anything: classes outside a small allow-list (pickle_globals.h) are kept as names with their
// arguments, so a checkpoint can neither run code nor stop a load because of an unneeded object.
#pragma once

#include <c10/core/ScalarType.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ofapt {

enum class PickleKind {
  kNone,
  kBool,
  kInt,
  kFloat,
  kString,
  kBytes,
  kList,     // also Python sets and frozensets
  kTuple,    // also torch.Size
  kDict,     // also collections.OrderedDict and argparse.Namespace (its attributes)
  kGlobal,   // a reference to a class or function, "module.name"; never called
  kStorage,  // a tensor storage that lives in the archive as record data/<key>
  kTensor,   // a view onto a storage
  kObject,   // an instance of a class outside the allow-list: its name, arguments and state only
};

// Where a tensor's bytes live and how the tensor views them. Counts are in elements of `dtype`.
struct TensorRef {
  std::string storage_key;  // archive record "data/<storage_key>"
  at::ScalarType dtype = at::kFloat;
  int64_t storage_numel = 0;     // elements the pickle claims the storage holds (checked on load)
  int64_t offset = 0;            // first element of the view
  std::vector<int64_t> sizes;    // view shape
  std::vector<int64_t> strides;  // view strides, one per dimension
};

struct PickleValue {
  PickleKind kind = PickleKind::kNone;
  bool boolean = false;  // kBool
  int64_t integer = 0;   // kInt
  double real = 0.0;     // kFloat
  // kString (UTF-8 as Python wrote it), kBytes; kGlobal and kObject: "module.name";
  // kDict: the class it was built from ("" for a plain dict), so BUILD can tell a Namespace.
  std::string text;
  std::vector<PickleValue*> items;                             // kList, kTuple; kObject: its arguments
  std::vector<std::pair<PickleValue*, PickleValue*>> entries;  // kDict, in insertion order
  PickleValue* state = nullptr;                                // kObject: its BUILD state, if any
  TensorRef tensor;                                            // kStorage (view fields unused), kTensor

  // The value stored under the string key `key` in a dict (the last one, as Python keeps), or nullptr.
  const PickleValue* find(const std::string& key) const;
  bool is_dict() const { return kind == PickleKind::kDict; }
  bool is_tensor() const { return kind == PickleKind::kTensor; }
  // A short description for error messages: "an int", "a list", "an object of class foo.Bar".
  std::string describe() const;
};

// A decoded pickle. Every value lives in one arena owned here, so values can be shared (the memo)
// or even form cycles without reference counting, and freeing a deeply nested tree never recurses.
class Pickle {
 public:
  Pickle() : values_(std::make_unique<std::deque<PickleValue>>()) {}

  const PickleValue& root() const { return *root_; }
  void set_root(PickleValue* root) { root_ = root; }
  // A new value of `kind` owned by this pickle; the pointer stays valid as long as the Pickle.
  PickleValue* make(PickleKind kind);

 private:
  std::unique_ptr<std::deque<PickleValue>> values_;
  PickleValue* root_ = nullptr;
};

// Converts plain data (None, bool, int, float, str, list, tuple, dict) to JSON. Values with no JSON
// meaning (bytes, tensors, objects) and strings that are not valid UTF-8 become null; non-string
// dict keys become their decimal or string form. Throws Error(kFormat) naming `source` when the
// nesting exceeds 100 levels, which also stops a cyclic structure.
nlohmann::json pickle_to_json(const PickleValue& value, const std::string& source);

}  // namespace ofapt
