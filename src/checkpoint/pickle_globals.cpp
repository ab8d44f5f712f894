#include "checkpoint/pickle_globals.h"

#include <cctype>
#include <cstring>
#include <limits>
#include <map>

#include "util/error.h"

namespace ofapt {
namespace {

[[noreturn]] void fail(const std::string& what) { throw Error(ErrorKind::kFormat, what); }

const PickleValue& argument(const PickleValue& args, size_t index, const std::string& call) {
  if (args.kind != PickleKind::kTuple || args.items.size() <= index) {
    fail(str(call, " expects at least ", index + 1, " arguments"));
  }
  return *args.items[index];
}

int64_t non_negative_int(const PickleValue& value, const std::string& what) {
  if (value.kind != PickleKind::kInt || value.integer < 0)
    fail(str(what, " is ", value.describe(), ", not an int >= 0"));
  return value.integer;
}

std::vector<int64_t> int_sequence(const PickleValue& value, const std::string& what) {
  if (value.kind != PickleKind::kTuple && value.kind != PickleKind::kList) fail(str(what, " is ", value.describe()));
  std::vector<int64_t> numbers;
  for (const PickleValue* item : value.items) numbers.push_back(non_negative_int(*item, what + " entry"));
  return numbers;
}

// _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]):
// a view onto a storage. Whether the view fits its storage is checked when the bytes are loaded.
PickleValue* rebuild_tensor(Pickle& pickle, const std::string& call, const PickleValue& args) {
  const PickleValue& storage = argument(args, 0, call);
  if (storage.kind != PickleKind::kStorage) fail(str(call, ": the storage argument is ", storage.describe()));
  PickleValue* tensor = pickle.make(PickleKind::kTensor);
  tensor->tensor = storage.tensor;
  tensor->tensor.offset = non_negative_int(argument(args, 1, call), call + " storage offset");
  tensor->tensor.sizes = int_sequence(argument(args, 2, call), call + " size");
  tensor->tensor.strides = int_sequence(argument(args, 3, call), call + " stride");
  if (tensor->tensor.sizes.size() != tensor->tensor.strides.size()) {
    fail(str(call, ": ", tensor->tensor.sizes.size(), " sizes but ", tensor->tensor.strides.size(), " strides"));
  }
  return tensor;
}

PickleValue* inert_object(Pickle& pickle, const std::string& name, const PickleValue& args) {
  PickleValue* object = pickle.make(PickleKind::kObject);
  object->text = name;
  if (args.kind == PickleKind::kTuple) object->items = args.items;
  return object;
}

// _codecs.encode(text, "latin1"): protocol 2 writes bytes as a latin-1 string of the same code points.
PickleValue* latin1_bytes(Pickle& pickle, const PickleValue& args) {
  const PickleValue& text = argument(args, 0, "_codecs.encode");
  const PickleValue& encoding = argument(args, 1, "_codecs.encode");
  if (text.kind != PickleKind::kString || encoding.kind != PickleKind::kString ||
      (encoding.text != "latin1" && encoding.text != "latin-1")) {
    return inert_object(pickle, "_codecs.encode", args);
  }
  PickleValue* bytes = pickle.make(PickleKind::kBytes);
  const std::string& in = text.text;
  for (size_t i = 0; i < in.size(); ++i) {
    const auto lead = static_cast<unsigned char>(in[i]);
    if (lead < 0x80) {
      bytes->text += static_cast<char>(lead);
    } else if ((lead == 0xC2 || lead == 0xC3) && i + 1 < in.size() &&
               (static_cast<unsigned char>(in[i + 1]) & 0xC0) == 0x80) {  // U+0080..U+00FF
      bytes->text += static_cast<char>(((lead & 0x03) << 6) | (static_cast<unsigned char>(in[++i]) & 0x3F));
    } else {
      fail("_codecs.encode: a code point above U+00FF cannot be latin-1");
    }
  }
  return bytes;
}

// numpy.core.multiarray.scalar(numpy.dtype(typestr, ...), raw_bytes): a numpy number. Little-endian
// float, int, uint and bool become plain numbers; anything else stays an inert object.
PickleValue* numpy_scalar(Pickle& pickle, const std::string& call, const PickleValue& args) {
  const PickleValue& dtype = argument(args, 0, call);
  const PickleValue& raw = argument(args, 1, call);
  if (dtype.kind != PickleKind::kObject || dtype.text != "numpy.dtype" || dtype.items.empty() ||
      dtype.items[0]->kind != PickleKind::kString || raw.kind != PickleKind::kBytes) {
    return inert_object(pickle, call, args);
  }
  // The dtype's BUILD state is (version, byte order, ...); '<' little, '|' not applicable, '=' native.
  if (dtype.state != nullptr && dtype.state->kind == PickleKind::kTuple && dtype.state->items.size() > 1) {
    const PickleValue& order = *dtype.state->items[1];
    if (order.kind != PickleKind::kString || order.text == ">") return inert_object(pickle, call, args);
  }
  const std::string& typestr = dtype.items[0]->text;  // "f8", "i4", "b1", ...
  const std::string& bytes = raw.text;
  if (typestr.size() != 2 || typestr[1] < '1' || typestr[1] > '8' ||
      bytes.size() != static_cast<size_t>(typestr[1] - '0')) {
    return inert_object(pickle, call, args);
  }
  const char kind = typestr[0];
  const size_t width = bytes.size();
  if (kind == 'f' && (width == 4 || width == 8)) {
    PickleValue* number = pickle.make(PickleKind::kFloat);
    if (width == 8) {
      std::memcpy(&number->real, bytes.data(), 8);
    } else {
      float single = 0;
      std::memcpy(&single, bytes.data(), 4);
      number->real = single;
    }
    return number;
  }
  if (kind == 'b' && width == 1) {
    PickleValue* flag = pickle.make(PickleKind::kBool);
    flag->boolean = bytes[0] != 0;
    return flag;
  }
  if ((kind == 'i' || kind == 'u') && (width == 1 || width == 2 || width == 4 || (width == 8 && kind == 'i'))) {
    uint64_t magnitude = 0;
    std::memcpy(&magnitude, bytes.data(), width);
    PickleValue* number = pickle.make(PickleKind::kInt);
    const int shift = static_cast<int>(64 - 8 * width);
    number->integer = kind == 'i' ? static_cast<int64_t>(magnitude << shift) >> shift : static_cast<int64_t>(magnitude);
    return number;
  }
  return inert_object(pickle, call, args);
}

PickleValue* class_dict(Pickle& pickle, const std::string& name) {
  PickleValue* dict = pickle.make(PickleKind::kDict);
  dict->text = name;
  return dict;
}

// OrderedDict() or OrderedDict([(key, value), ...]).
PickleValue* ordered_dict(Pickle& pickle, const std::string& name, const PickleValue& args) {
  PickleValue* dict = class_dict(pickle, name);
  if (args.kind != PickleKind::kTuple || args.items.empty()) return dict;
  const PickleValue& pairs = *args.items[0];
  if (pairs.kind != PickleKind::kList && pairs.kind != PickleKind::kTuple) fail(name + ": argument is not a list");
  for (PickleValue* pair : pairs.items) {
    if (pair->kind != PickleKind::kTuple || pair->items.size() != 2)
      fail(name + ": an item is not a (key, value) pair");
    dict->entries.emplace_back(pair->items[0], pair->items[1]);
  }
  return dict;
}

PickleValue* sequence_copy(Pickle& pickle, PickleKind kind, const std::string& call, const PickleValue& args) {
  PickleValue* sequence = pickle.make(kind);
  if (args.kind == PickleKind::kTuple && args.items.empty()) return sequence;  // set()
  const PickleValue& source = argument(args, 0, call);
  if (source.kind != PickleKind::kList && source.kind != PickleKind::kTuple)
    fail(call + ": argument is not a sequence");
  sequence->items = source.items;
  return sequence;
}

}  // namespace

PickleValue* call_pickle_global(Pickle& pickle, const std::string& name, const PickleValue& args) {
  if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
    return rebuild_tensor(pickle, name, args);
  }
  if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
    const PickleValue& data = argument(args, 0, name);
    if (data.kind != PickleKind::kTensor) fail(str(name, ": data is ", data.describe()));
    return args.items[0];
  }
  if (name == "torch._tensor._rebuild_from_type_v2") {
    // (func, new_type, args, state): a tensor subclass; keep the plain tensor `func(*args)` builds.
    // Only the direct rebuilds may be nested, so a crafted self-reference cannot recurse forever.
    const PickleValue& func = argument(args, 0, name);
    const PickleValue& inner = argument(args, 2, name);
    if (func.kind == PickleKind::kGlobal && func.text != name && func.text.rfind("torch._utils._rebuild_", 0) == 0) {
      return call_pickle_global(pickle, func.text, inner);
    }
    return inert_object(pickle, name, args);
  }
  if (name == "collections.OrderedDict") return ordered_dict(pickle, name, args);
  if (name == "argparse.Namespace") return class_dict(pickle, name);
  if (name == "torch.Size") return sequence_copy(pickle, PickleKind::kTuple, name, args);
  if (name == "builtins.set" || name == "builtins.frozenset")
    return sequence_copy(pickle, PickleKind::kList, name, args);
  if (name == "_codecs.encode") return latin1_bytes(pickle, args);
  if (name == "numpy.core.multiarray.scalar" || name == "numpy._core.multiarray.scalar") {
    return numpy_scalar(pickle, name, args);
  }
  return inert_object(pickle, name, args);
}

PickleValue* load_persistent_storage(Pickle& pickle, const PickleValue& pid) {
  static const std::map<std::string, at::ScalarType> kStorageTypes = {
      {"FloatStorage", at::kFloat},       {"DoubleStorage", at::kDouble}, {"HalfStorage", at::kHalf},
      {"BFloat16Storage", at::kBFloat16}, {"LongStorage", at::kLong},     {"IntStorage", at::kInt},
      {"ShortStorage", at::kShort},       {"CharStorage", at::kChar},     {"ByteStorage", at::kByte},
      {"BoolStorage", at::kBool},         {"UntypedStorage", at::kByte}};
  if (pid.kind != PickleKind::kTuple || pid.items.size() != 5 || pid.items[0]->kind != PickleKind::kString ||
      pid.items[0]->text != "storage") {
    fail("persistent id is not ('storage', type, key, location, numel)");
  }
  const PickleValue& type = *pid.items[1];
  const PickleValue& key = *pid.items[2];
  std::string type_name = type.kind == PickleKind::kGlobal ? type.text : "";
  for (const char* module : {"torch.cuda.", "torch.storage.", "torch."}) {
    if (type_name.rfind(module, 0) == 0) {
      type_name = type_name.substr(std::strlen(module));
      break;
    }
  }
  auto found = kStorageTypes.find(type_name);
  if (found == kStorageTypes.end())
    fail(str("unsupported storage type ", type.kind == PickleKind::kGlobal ? type.text : type.describe()));
  // The key names an archive record; accept only the plain names torch writes, nothing path-like.
  bool plain_key = key.kind == PickleKind::kString && !key.text.empty() && key.text.size() <= 64;
  for (char c : key.text) plain_key = plain_key && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (!plain_key) fail("storage key is not a short alphanumeric name");

  PickleValue* storage = pickle.make(PickleKind::kStorage);
  storage->tensor.storage_key = key.text;
  storage->tensor.dtype = found->second;
  storage->tensor.storage_numel = non_negative_int(*pid.items[4], "storage numel");
  return storage;
}

void build_pickle_value(PickleValue& target, PickleValue& state) {
  if (target.kind == PickleKind::kObject) {
    target.state = &state;
    return;
  }
  if (target.kind == PickleKind::kDict && target.text == "argparse.Namespace") {
    // A plain object's state is its __dict__, or (__dict__, slots) when it also has slots.
    const PickleValue* attributes = &state;
    if (state.kind == PickleKind::kTuple && state.items.size() == 2) attributes = state.items[0];
    if (attributes->kind != PickleKind::kDict) return;
    const auto copied = attributes->entries;  // a copy: `attributes` may be `target` itself
    target.entries.insert(target.entries.end(), copied.begin(), copied.end());
  }
}

}  // namespace ofapt
