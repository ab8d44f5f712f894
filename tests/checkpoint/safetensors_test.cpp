// safetensors: the fixture, write -> read round trips, and one handcrafted bad file per rule.
#include "checkpoint/safetensors.h"

#include <cstring>

#include "checkpoint_test_util.h"

namespace ofapt {
namespace {

using testing::expect_error;
using testing::TempDir;

// A file from a header text and a data buffer, for the bad-file tests.
std::string safetensors_bytes(const std::string& header, const std::string& buffer) {
  const uint64_t length = header.size();
  std::string bytes(reinterpret_cast<const char*>(&length), 8);
  return bytes + header + buffer;
}

// Two F32 tensors, "a" [2] at [0,8] and "b" [1] at [8,12]; the tests below break one rule each.
const std::string kGoodHeader =
    R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";

void expect_bad(const std::string& bytes, const std::vector<std::string>& parts) {
  TempDir dir;
  const std::string path = dir.file("bad.safetensors");
  write_file_atomic(path, bytes);
  std::vector<std::string> expected = parts;
  expected.push_back(path);
  expect_error([&] { read_safetensors(path); }, ErrorKind::kFormat, expected);
}

TEST(Safetensors, ReadsFixtureWrittenByPython) {
  std::map<std::string, std::string> metadata;
  const TensorMap tensors = read_safetensors(testing::fixture("model.safetensors"), &metadata);
  const auto& expected = testing::expected_values()["hf"];
  ASSERT_EQ(tensors.size(), expected.size());
  for (const auto& [name, tensor] : tensors) testing::expect_matches(tensor, expected[name], name);
  EXPECT_EQ(metadata.at("format"), "pt");
  EXPECT_EQ(metadata.at("source"), "fixture");
}

TEST(Safetensors, RoundTripsEveryDtype) {
  TempDir dir;
  const at::Tensor source = at::arange(12, at::kDouble).reshape({3, 4}) - 5;
  TensorMap tensors;
  for (at::ScalarType dtype : {at::kFloat, at::kHalf, at::kBFloat16, at::kDouble, at::kLong, at::kInt, at::kShort,
                               at::kChar, at::kByte, at::kBool}) {
    tensors[c10::toString(dtype)] = (dtype == at::kByte ? source.abs() : source).to(dtype);
  }
  tensors["scalar"] = at::scalar_tensor(2.5);
  tensors["empty"] = at::zeros({0, 3});
  tensors["strided"] = source.to(at::kFloat).t().slice(0, 1);  // non-contiguous input
  const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"note", "round trip"}};
  const std::string path = dir.file("all.safetensors");
  write_safetensors(path, tensors, metadata);

  std::map<std::string, std::string> read_metadata;
  const TensorMap read = read_safetensors(path, &read_metadata);
  EXPECT_EQ(read_metadata, metadata);
  ASSERT_EQ(read.size(), tensors.size());
  for (const auto& [name, tensor] : tensors) {
    SCOPED_TRACE(name);
    EXPECT_EQ(read.at(name).scalar_type(), tensor.scalar_type());
    EXPECT_TRUE(at::equal(read.at(name), tensor));
  }
  // The header is padded so that the data buffer starts 8-byte aligned.
  const std::string bytes = read_file(path);
  uint64_t header_length = 0;
  std::memcpy(&header_length, bytes.data(), 8);
  EXPECT_EQ(header_length % 8, 0u);
}

TEST(Safetensors, WriterRejectsUnsupportedDtype) {
  TempDir dir;
  expect_error([&] { write_safetensors(dir.file("x.safetensors"), {{"c", at::zeros({2}, at::kComplexFloat)}}); },
               ErrorKind::kSchema, {"x.safetensors", "'c'", "ComplexFloat"});
}

TEST(Safetensors, AcceptsTheGoodHandcraftedFile) {
  TempDir dir;
  write_file_atomic(dir.file("good.safetensors"), safetensors_bytes(kGoodHeader, testing::float_bytes(3)));
  const TensorMap tensors = read_safetensors(dir.file("good.safetensors"));
  EXPECT_EQ(tensors.at("b").item<float>(), 2.0f);
}

TEST(SafetensorsBadFile, Truncated) {
  const std::string good = safetensors_bytes(kGoodHeader, testing::float_bytes(3));
  expect_bad(good.substr(0, 5), {"too short"});
  expect_bad(good.substr(0, 40), {"runs past the end of the file"});
  expect_bad(good.substr(0, good.size() - 2), {"'b'", "[8,12]", "run past the end of the data buffer"});
}

TEST(SafetensorsBadFile, HeaderNotJson) {
  expect_bad(safetensors_bytes("{\"a\": nope}", ""), {"header is not valid JSON"});
  expect_bad(safetensors_bytes("[1, 2]", ""), {"header is not a JSON object"});
  expect_bad(safetensors_bytes("{\"a\":{\"b\":{\"c\":{\"d\":[]}}}}", ""), {"nests deeper"});
}

TEST(SafetensorsBadFile, HeaderLengthBeyondFile) {
  std::string bytes = safetensors_bytes(kGoodHeader, testing::float_bytes(3));
  const uint64_t length = bytes.size();
  std::memcpy(bytes.data(), &length, 8);
  expect_bad(bytes, {"header length", "runs past the end of the file"});
}

TEST(SafetensorsBadFile, HeaderOverOneHundredMegabytes) {
  std::string bytes = safetensors_bytes(kGoodHeader, testing::float_bytes(3));
  const uint64_t length = 200'000'000;
  std::memcpy(bytes.data(), &length, 8);
  expect_bad(bytes, {"header length 200000000 exceeds the limit of 100000000 bytes"});
}

TEST(SafetensorsBadFile, OverlappingOffsets) {
  const std::string header =
      R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  expect_bad(safetensors_bytes(header, testing::float_bytes(3)),
             {"tensor 'b' data_offsets [4,12] overlap the previous tensor ending at 8"});
}

TEST(SafetensorsBadFile, GapBetweenTensors) {
  const std::string header =
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})";
  expect_bad(safetensors_bytes(header, testing::float_bytes(3)),
             {"tensor 'b' data_offsets [8,12] leave a gap after the previous tensor ending at 4"});
}

TEST(SafetensorsBadFile, UncoveredBytesAtTheEnd) {
  expect_bad(safetensors_bytes(kGoodHeader, testing::float_bytes(4)),
             {"the last 4 bytes of the data buffer belong to no tensor"});
}

TEST(SafetensorsBadFile, OffsetsPastTheEnd) {
  const std::string header = R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
  expect_bad(safetensors_bytes(header, testing::float_bytes(3)),
             {"'a'", "[0,16]", "run past the end of the data buffer (12 bytes"});
}

TEST(SafetensorsBadFile, DtypeTimesShapeDiffersFromByteCount) {
  const std::string header = R"({"a":{"dtype":"F16","shape":[2,2],"data_offsets":[0,12]}})";
  expect_bad(safetensors_bytes(header, testing::float_bytes(3)),
             {"tensor 'a' dtype Half x shape [2, 2] needs 8 bytes but data_offsets [0,12] span 12"});
  const std::string overflowing =
      R"({"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,12]}})";
  expect_bad(safetensors_bytes(overflowing, testing::float_bytes(3)), {"needs more than 2^64 bytes"});
}

TEST(SafetensorsBadFile, DuplicateKey) {
  const std::string header =
      R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})";
  expect_bad(safetensors_bytes(header, testing::float_bytes(3)), {"header has the key 'a' twice"});
  const std::string inner = R"({"a":{"dtype":"F32","dtype":"F16","shape":[1],"data_offsets":[0,4]}})";
  expect_bad(safetensors_bytes(inner, testing::float_bytes(1)), {"header has the key 'dtype' twice"});
}

TEST(SafetensorsBadFile, MalformedEntries) {
  const auto entry = [](const std::string& body) { return "{\"a\":" + body + "}"; };
  const std::string data = testing::float_bytes(1);
  expect_bad(safetensors_bytes(entry(R"({"dtype":"C64","shape":[1],"data_offsets":[0,4]})"), data),
             {"unsupported dtype \"C64\""});
  expect_bad(safetensors_bytes(entry(R"({"dtype":"F32","shape":[-1],"data_offsets":[0,4]})"), data),
             {"shape holds -1"});
  expect_bad(safetensors_bytes(entry(R"({"dtype":"F32","shape":[1],"data_offsets":[4,0]})"), data),
             {"[4,0] end before they begin"});
  expect_bad(safetensors_bytes(entry(R"({"dtype":"F32","shape":[1]})"), data), {"'a' has no data_offsets"});
  expect_bad(safetensors_bytes(entry("7"), data), {"'a' is not a JSON object"});
  expect_bad(safetensors_bytes(R"({"__metadata__":{"k":1}})", ""), {"__metadata__ 'k' is not a string"});
}

}  // namespace
}  // namespace ofapt
