// Helpers for the checkpoint tests: fixture paths, a temporary folder, error assertions, and
// builders for handcrafted pickles and torch.save-style zip archives (the bad-file tests).
#pragma once

#include <caffe2/serialize/inline_container.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <stdlib.h>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "test_paths.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt::testing {

inline std::string fixture(const std::string& name) { return source_path("tests/data/checkpoint/" + name); }

inline const nlohmann::json& expected_values() {
  static const nlohmann::json expected = nlohmann::json::parse(read_file(fixture("expected.json")));
  return expected;
}

// Compares a tensor with an expected.json entry: dtype, shape and every value.
inline void expect_matches(const at::Tensor& tensor, const nlohmann::json& expected, const std::string& name) {
  SCOPED_TRACE(name);
  ASSERT_TRUE(tensor.defined());
  static const std::map<std::string, std::string> kTorchNames = {
      {"float32", "Float"}, {"float16", "Half"}, {"bfloat16", "BFloat16"},
      {"int64", "Long"},    {"bool", "Bool"},    {"float64", "Double"}};
  EXPECT_EQ(c10::toString(tensor.scalar_type()), kTorchNames.at(expected["dtype"].get<std::string>()));
  EXPECT_EQ(tensor.sizes().vec(), expected["shape"].get<std::vector<int64_t>>());
  const at::Tensor flat = tensor.to(at::kDouble).contiguous().flatten();
  const auto values = expected["values"].get<std::vector<double>>();
  ASSERT_EQ(flat.numel(), static_cast<int64_t>(values.size()));
  for (size_t i = 0; i < values.size(); ++i) EXPECT_EQ(flat[i].item<double>(), values[i]) << "element " << i;
}

// A folder under /tmp, removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ofapt_ckpt_XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return join_path(path_, name); }

 private:
  std::string path_;
};

// Runs `action` and expects an ofapt::Error of `kind` whose message contains every part.
// Any other exception fails the test through gtest's own handler.
template <typename Action>
void expect_error(Action&& action, ErrorKind kind, const std::vector<std::string>& parts) {
  try {
    action();
    ADD_FAILURE() << "expected an ofapt::Error, got none";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_EQ(to_string(error.kind()), std::string(to_string(kind))) << message;
    for (const std::string& part : parts) {
      EXPECT_NE(message.find(part), std::string::npos) << "message: " << message << "\nlacks: " << part;
    }
  }
}

// Pickle bytes, opcode by opcode (protocol 2, as torch.save writes).
class PickleBuilder {
 public:
  PickleBuilder() { bytes_ = "\x80\x02"; }
  PickleBuilder& raw(const std::string& bytes) { return bytes_ += bytes, *this; }
  PickleBuilder& mark() { return raw("("); }
  PickleBuilder& empty_dict() { return raw("}"); }
  PickleBuilder& empty_tuple() { return raw(")"); }
  PickleBuilder& set_items() { return raw("u"); }
  PickleBuilder& tuple() { return raw("t"); }
  PickleBuilder& reduce() { return raw("R"); }
  PickleBuilder& none() { return raw("N"); }
  PickleBuilder& stop() { return raw("."); }
  PickleBuilder& integer(int32_t value) {
    bytes_ += 'J';
    bytes_.append(reinterpret_cast<const char*>(&value), 4);
    return *this;
  }
  PickleBuilder& string(const std::string& text) {
    const auto length = static_cast<uint32_t>(text.size());
    bytes_ += 'X';
    bytes_.append(reinterpret_cast<const char*>(&length), 4);
    return raw(text);
  }
  PickleBuilder& global(const std::string& module, const std::string& name) {
    return raw("c" + module + "\n" + name + "\n");
  }
  PickleBuilder& int_tuple(const std::vector<int32_t>& values) {
    mark();
    for (int32_t value : values) integer(value);
    return tuple();
  }
  // _rebuild_tensor_v2(<storage key, type, numel>, offset, sizes, strides, False, OrderedDict())
  PickleBuilder& tensor(const std::string& key, const std::string& storage_type, int32_t numel, int32_t offset,
                        const std::vector<int32_t>& sizes, const std::vector<int32_t>& strides) {
    global("torch._utils", "_rebuild_tensor_v2").mark();
    mark().string("storage").global("torch", storage_type).string(key).string("cpu").integer(numel).tuple().raw("Q");
    integer(offset).int_tuple(sizes).int_tuple(strides).raw("\x89");
    global("collections", "OrderedDict").empty_tuple().reduce();
    return tuple().reduce();
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// A torch.save-style zip: data.pkl plus data/<key> storage records, plus any extra records.
inline void write_torch_zip(const std::string& path, const std::string& pickle,
                            const std::map<std::string, std::string>& storages,
                            const std::map<std::string, std::string>& extra_records = {}) {
  caffe2::serialize::PyTorchStreamWriter writer(path);
  writer.writeRecord("data.pkl", pickle.data(), pickle.size());
  for (const auto& [key, bytes] : storages) writer.writeRecord("data/" + key, bytes.data(), bytes.size());
  for (const auto& [name, bytes] : extra_records) writer.writeRecord(name, bytes.data(), bytes.size());
  writer.writeEndOfFile();
}

// The raw bytes of `count` floats 0, 1, 2, ...
inline std::string float_bytes(int count) {
  std::string bytes;
  for (int i = 0; i < count; ++i) {
    const float value = static_cast<float>(i);
    bytes.append(reinterpret_cast<const char*>(&value), 4);
  }
  return bytes;
}

}  // namespace ofapt::testing
