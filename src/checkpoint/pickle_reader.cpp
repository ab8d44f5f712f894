#include "checkpoint/pickle_reader.h"

#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "checkpoint/pickle_globals.h"
#include "util/error.h"

namespace ofapt {
namespace {

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "pickle integers are read as little-endian");

// The opcodes Python's pickler emits for protocols 2-5 (names as in Python's pickletools).
// clang-format off
enum Opcode : uint8_t {
  kMark = '(', kStop = '.', kPop = '0', kPopMark = '1', kDup = '2', kBinFloat = 'G', kBinInt = 'J',
  kBinInt1 = 'K', kBinInt2 = 'M', kNone = 'N', kBinPersId = 'Q', kReduce = 'R', kBinString = 'T',
  kShortBinString = 'U', kBinUnicode = 'X', kAppend = 'a', kBuild = 'b', kGlobal = 'c', kDict = 'd',
  kAppends = 'e', kBinGet = 'h', kLongBinGet = 'j', kList = 'l', kBinPut = 'q', kLongBinPut = 'r',
  kSetItem = 's', kTuple = 't', kSetItems = 'u', kEmptyDict = '}', kEmptyList = ']', kEmptyTuple = ')',
  kBinBytes = 'B', kShortBinBytes = 'C', kProto = 0x80, kNewObj = 0x81, kTuple1 = 0x85, kTuple2 = 0x86,
  kTuple3 = 0x87, kNewTrue = 0x88, kNewFalse = 0x89, kLong1 = 0x8a, kLong4 = 0x8b, kShortBinUnicode = 0x8c,
  kBinUnicode8 = 0x8d, kBinBytes8 = 0x8e, kEmptySet = 0x8f, kAddItems = 0x90, kFrozenSet = 0x91,
  kNewObjEx = 0x92, kStackGlobal = 0x93, kMemoize = 0x94, kFrame = 0x95, kByteArray8 = 0x96,
  kNextBuffer = 0x97, kReadOnlyBuffer = 0x98,
};
// clang-format on

constexpr size_t kMaxGlobalNameBytes = 256;

// The pickle machine: a value stack split by marks, and a memo. Values live in `pickle_`.
class Unpickler {
 public:
  Unpickler(const char* data, size_t size, const std::string& source) : data_(data), size_(size), source_(source) {}

  Pickle run() {
    while (true) {
      opcode_at_ = pos_;
      if (pos_ >= size_) fail("truncated: the pickle ends without a STOP opcode");
      const auto opcode = static_cast<uint8_t>(data_[pos_++]);
      if (opcode == kStop) {
        pickle_.set_root(pop());
        return std::move(pickle_);
      }
      step(opcode);
    }
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorKind::kFormat, str(source_, ": pickle byte ", opcode_at_, ": ", what));
  }

  // --- input ---
  const char* take(uint64_t count) {
    if (count > size_ - pos_) fail(str("truncated: ", count, " bytes needed, ", size_ - pos_, " left"));
    const char* at = data_ + pos_;
    pos_ += count;
    return at;
  }
  template <typename T>
  T read() {
    T value;
    std::memcpy(&value, take(sizeof(T)), sizeof(T));
    return value;
  }
  // A newline-terminated ASCII name (GLOBAL's module and attribute).
  std::string read_line() {
    std::string line;
    while (true) {
      const char c = *take(1);
      if (c == '\n') return line;
      if (c < ' ' || c > '~' || line.size() >= kMaxGlobalNameBytes) fail("GLOBAL name is not a short ASCII line");
      line += c;
    }
  }

  // --- stack ---
  // Values above the last mark; opcodes other than the mark-consuming ones may not reach below it.
  size_t fence() const { return marks_.empty() ? 0 : marks_.back(); }
  void push(PickleValue* value) { stack_.push_back(value); }
  PickleValue* top() {
    if (stack_.size() <= fence()) fail("stack underflow");
    return stack_.back();
  }
  PickleValue* pop() {
    PickleValue* value = top();
    stack_.pop_back();
    return value;
  }
  std::vector<PickleValue*> pop_mark() {
    if (marks_.empty()) fail("no MARK to pop to");
    std::vector<PickleValue*> items(stack_.begin() + static_cast<std::ptrdiff_t>(marks_.back()), stack_.end());
    stack_.resize(marks_.back());
    marks_.pop_back();
    return items;
  }

  // --- value construction ---
  PickleValue* make(PickleKind kind) { return pickle_.make(kind); }
  PickleValue* make_int(int64_t number) {
    PickleValue* value = make(PickleKind::kInt);
    value->integer = number;
    return value;
  }
  PickleValue* make_text(PickleKind kind, uint64_t length) {
    const char* bytes = take(length);
    PickleValue* value = make(kind);
    value->text.assign(bytes, length);
    return value;
  }
  PickleValue* make_sequence(PickleKind kind, std::vector<PickleValue*> items) {
    PickleValue* value = make(kind);
    value->items = std::move(items);
    return value;
  }
  // LONG1/LONG4: little-endian two's complement of any width. Wider than 64 bits stays inert.
  PickleValue* make_long(uint64_t length) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(take(length));
    const bool negative = length > 0 && (bytes[length - 1] & 0x80) != 0;
    if (length > 8) {  // fits only if every byte past the eighth merely repeats the sign
      bool fits = ((bytes[7] & 0x80) != 0) == negative;
      for (uint64_t i = 8; i < length; ++i) fits = fits && bytes[i] == (negative ? 0xFF : 0x00);
      if (!fits) {
        PickleValue* wide = make(PickleKind::kObject);
        wide->text = "builtins.int (wider than 64 bits)";
        return wide;
      }
    }
    uint64_t bits = negative ? ~uint64_t{0} : 0;
    for (uint64_t i = 0; i < std::min<uint64_t>(length, 8); ++i) {
      bits &= ~(uint64_t{0xFF} << (8 * i));
      bits |= uint64_t{bytes[i]} << (8 * i);
    }
    return make_int(static_cast<int64_t>(bits));
  }
  PickleValue* make_global(std::string module, const std::string& name) {
    // Protocol 2 spells Python 3 modules by their Python 2 names, as Python's unpickler maps back.
    if (module == "__builtin__") module = "builtins";
    if (module == "copy_reg") module = "copyreg";
    PickleValue* value = make(PickleKind::kGlobal);
    value->text = module + "." + name;
    return value;
  }

  // --- container updates ---
  void append(PickleValue* target, const std::vector<PickleValue*>& items) {
    if (target->kind == PickleKind::kObject) return;  // an inert object's contents are not needed
    if (target->kind != PickleKind::kList) fail(str("APPEND to ", target->describe()));
    target->items.insert(target->items.end(), items.begin(), items.end());
  }
  void set_items(PickleValue* target, const std::vector<PickleValue*>& items) {
    if (items.size() % 2 != 0) fail("SETITEMS with an odd number of values");
    if (target->kind == PickleKind::kObject) return;
    if (target->kind != PickleKind::kDict) fail(str("SETITEM on ", target->describe()));
    for (size_t i = 0; i < items.size(); i += 2) target->entries.emplace_back(items[i], items[i + 1]);
  }
  // REDUCE / NEWOBJ: only the allow-list gives a call meaning (pickle_globals.h).
  PickleValue* call(const PickleValue* callable, const PickleValue* args) {
    if (args->kind != PickleKind::kTuple) fail(str("call arguments are ", args->describe(), ", not a tuple"));
    if (callable->kind != PickleKind::kGlobal) {
      PickleValue* inert = make(PickleKind::kObject);
      inert->text = "(result of calling " + callable->describe() + ")";
      return inert;
    }
    try {
      return call_pickle_global(pickle_, callable->text, *args);
    } catch (const Error& e) {
      fail(e.what());
    }
  }
  void memo_put(uint64_t index) { memo_[index] = top(); }
  PickleValue* memo_get(uint64_t index) {
    auto found = memo_.find(index);
    if (found == memo_.end()) fail(str("memo index ", index, " was never stored"));
    return found->second;
  }

  void step(uint8_t opcode);

  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t opcode_at_ = 0;  // where the opcode being run starts, for error messages
  const std::string& source_;
  Pickle pickle_;
  std::vector<PickleValue*> stack_;
  std::vector<size_t> marks_;  // stack sizes at each MARK
  std::unordered_map<uint64_t, PickleValue*> memo_;
};

void Unpickler::step(uint8_t opcode) {
  switch (opcode) {
    case kProto: {
      const uint8_t version = read<uint8_t>();
      if (version < 2 || version > 5) fail(str("pickle protocol ", int{version}, " is not supported (2-5 are)"));
      return;
    }
    case kFrame:
      read<uint64_t>();
      return;  // framing only groups opcodes for buffered reading
    case kMark:
      marks_.push_back(stack_.size());
      return;
    case kPop:
      if (stack_.size() > fence())
        stack_.pop_back();
      else
        pop_mark();
      return;
    case kPopMark:
      pop_mark();
      return;
    case kDup:
      push(top());
      return;

    case kNone:
      push(make(PickleKind::kNone));
      return;
    case kNewTrue:
    case kNewFalse: {
      PickleValue* flag = make(PickleKind::kBool);
      flag->boolean = opcode == kNewTrue;
      push(flag);
      return;
    }
    case kBinInt:
      push(make_int(read<int32_t>()));
      return;
    case kBinInt1:
      push(make_int(read<uint8_t>()));
      return;
    case kBinInt2:
      push(make_int(read<uint16_t>()));
      return;
    case kLong1:
      push(make_long(read<uint8_t>()));
      return;
    case kLong4: {
      const int32_t length = read<int32_t>();
      if (length < 0) fail("LONG4 with a negative length");
      push(make_long(static_cast<uint64_t>(length)));
      return;
    }
    case kBinFloat: {
      uint64_t bits = 0;
      const auto* bytes = reinterpret_cast<const unsigned char*>(take(8));
      for (int i = 0; i < 8; ++i) bits = (bits << 8) | bytes[i];  // big-endian in the pickle
      PickleValue* number = make(PickleKind::kFloat);
      std::memcpy(&number->real, &bits, 8);
      push(number);
      return;
    }

    case kShortBinUnicode:
      push(make_text(PickleKind::kString, read<uint8_t>()));
      return;
    case kBinUnicode:
      push(make_text(PickleKind::kString, read<uint32_t>()));
      return;
    case kBinUnicode8:
      push(make_text(PickleKind::kString, read<uint64_t>()));
      return;
    case kShortBinString:
      push(make_text(PickleKind::kString, read<uint8_t>()));
      return;
    case kBinString: {
      const int32_t length = read<int32_t>();
      if (length < 0) fail("BINSTRING with a negative length");
      push(make_text(PickleKind::kString, static_cast<uint64_t>(length)));
      return;
    }
    case kShortBinBytes:
      push(make_text(PickleKind::kBytes, read<uint8_t>()));
      return;
    case kBinBytes:
      push(make_text(PickleKind::kBytes, read<uint32_t>()));
      return;
    case kBinBytes8:
    case kByteArray8:
      push(make_text(PickleKind::kBytes, read<uint64_t>()));
      return;

    case kEmptyDict:
      push(make(PickleKind::kDict));
      return;
    case kEmptyList:
    case kEmptySet:
      push(make(PickleKind::kList));
      return;
    case kEmptyTuple:
      push(make(PickleKind::kTuple));
      return;
    case kTuple1:
    case kTuple2:
    case kTuple3: {
      std::vector<PickleValue*> items(opcode - kTuple1 + 1);
      for (auto item = items.rbegin(); item != items.rend(); ++item) *item = pop();
      push(make_sequence(PickleKind::kTuple, std::move(items)));
      return;
    }
    case kTuple:
      push(make_sequence(PickleKind::kTuple, pop_mark()));
      return;
    case kList:
    case kFrozenSet:
      push(make_sequence(PickleKind::kList, pop_mark()));
      return;
    case kDict: {
      PickleValue* dict = make(PickleKind::kDict);
      set_items(dict, pop_mark());
      push(dict);
      return;
    }
    case kAppend: {
      PickleValue* item = pop();
      append(top(), {item});
      return;
    }
    case kAppends:
    case kAddItems: {
      std::vector<PickleValue*> items = pop_mark();
      append(top(), items);
      return;
    }
    case kSetItem: {
      PickleValue* value = pop();
      PickleValue* key = pop();
      set_items(top(), {key, value});
      return;
    }
    case kSetItems: {
      std::vector<PickleValue*> items = pop_mark();
      set_items(top(), items);
      return;
    }

    case kBinPut:
      memo_put(read<uint8_t>());
      return;
    case kLongBinPut:
      memo_put(read<uint32_t>());
      return;
    case kMemoize:
      memo_put(memo_.size());
      return;
    case kBinGet:
      push(memo_get(read<uint8_t>()));
      return;
    case kLongBinGet:
      push(memo_get(read<uint32_t>()));
      return;

    case kGlobal: {
      std::string module = read_line();
      push(make_global(std::move(module), read_line()));
      return;
    }
    case kStackGlobal: {
      PickleValue* name = pop();
      PickleValue* module = pop();
      if (module->kind != PickleKind::kString || name->kind != PickleKind::kString) fail("STACK_GLOBAL of non-strings");
      push(make_global(module->text, name->text));
      return;
    }
    case kReduce:
    case kNewObj: {
      PickleValue* args = pop();
      PickleValue* callable = pop();
      push(call(callable, args));
      return;
    }
    case kNewObjEx: {
      pop();  // keyword arguments: no allow-listed class takes any
      PickleValue* args = pop();
      PickleValue* callable = pop();
      push(call(callable, args));
      return;
    }
    case kBuild: {
      PickleValue* state = pop();
      build_pickle_value(*top(), *state);
      return;
    }
    case kBinPersId: {
      PickleValue* pid = pop();
      try {
        push(load_persistent_storage(pickle_, *pid));
      } catch (const Error& e) {
        fail(e.what());
      }
      return;
    }
    case kNextBuffer:
    case kReadOnlyBuffer:
      fail("out-of-band buffers (protocol 5) are not supported");
    default: {
      static const char kHex[] = "0123456789abcdef";
      fail(str("unknown or unsupported opcode 0x", kHex[opcode >> 4], kHex[opcode & 15]));
    }
  }
}

}  // namespace

Pickle read_pickle(const char* data, size_t size, const std::string& source) {
  return Unpickler(data, size, source).run();
}

}  // namespace ofapt
