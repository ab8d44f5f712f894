#include "checkpoint/safetensors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <limits>
#include <set>
#include <vector>

#include "checkpoint/mapped_file.h"
#include "util/error.h"
#include "util/file.h"
#include "util/strings.h"

namespace ofapt {
namespace {

// Tensor bytes are copied to and from memory as they are; safetensors is little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "safetensors I/O assumes a little-endian host");

constexpr size_t kLengthBytes = 8;  // the u64 header length in front of the JSON
constexpr int kMaxHeaderDepth = 4;  // {name: {"shape": [..]}} nests 3 deep; more is not a header

struct DtypeName {
  const char* name;
  at::ScalarType type;
};
constexpr DtypeName kDtypes[] = {{"F32", at::kFloat}, {"F16", at::kHalf}, {"BF16", at::kBFloat16}, {"F64", at::kDouble},
                                 {"I64", at::kLong},  {"I32", at::kInt},  {"I16", at::kShort},     {"I8", at::kChar},
                                 {"U8", at::kByte},   {"BOOL", at::kBool}};

// One tensor as the header describes it.
struct Entry {
  std::string name;
  at::ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range inside the data buffer
};

std::string offsets_string(const Entry& entry) { return str("[", entry.begin, ",", entry.end, "]"); }

// Parses the header JSON. nlohmann keeps the last of two equal keys silently; safetensors forbids
// duplicates, so the parse callback tracks the keys of every open object and refuses a repeat.
nlohmann::json parse_header(const char* begin, const char* end, const std::string& path) {
  std::vector<std::set<std::string>> open_objects;
  auto callback = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (event == Event::object_start || event == Event::array_start) {
      OFAPT_CHECK(depth < kMaxHeaderDepth, ErrorKind::kFormat, path, ": header nests deeper than a safetensors header");
    }
    if (event == Event::object_start) open_objects.emplace_back();
    if (event == Event::object_end && !open_objects.empty()) open_objects.pop_back();
    if (event == Event::key && !open_objects.empty()) {
      const auto& key = parsed.get_ref<const std::string&>();
      OFAPT_CHECK(open_objects.back().insert(key).second, ErrorKind::kFormat, path, ": header has the key '", key,
                  "' twice");
    }
    return true;
  };
  try {
    return nlohmann::json::parse(begin, end, callback);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kFormat, str(path, ": header is not valid JSON (", e.what(), ")"));
  }
}

// Reads a JSON number that must be a non-negative integer no larger than int64 max.
uint64_t read_count(const nlohmann::json& value, const std::string& path, const std::string& name, const char* field) {
  OFAPT_CHECK(value.is_number_integer() && (value.is_number_unsigned() || value.get<int64_t>() >= 0) &&
                  value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()),
              ErrorKind::kFormat, path, ": tensor '", name, "' ", field, " holds ", value.dump(),
              ", not a non-negative integer");
  return value.get<uint64_t>();
}

Entry parse_entry(const std::string& name, const nlohmann::json& info, const std::string& path) {
  OFAPT_CHECK(info.is_object(), ErrorKind::kFormat, path, ": tensor '", name, "' is not a JSON object");
  Entry entry;
  entry.name = name;
  for (const char* field : {"dtype", "shape", "data_offsets"}) {
    OFAPT_CHECK(info.contains(field), ErrorKind::kFormat, path, ": tensor '", name, "' has no ", field);
  }
  const auto& dtype = info["dtype"];
  OFAPT_CHECK(dtype.is_string(), ErrorKind::kFormat, path, ": tensor '", name, "' dtype is not a string");
  auto found = std::find_if(std::begin(kDtypes), std::end(kDtypes),
                            [&](const DtypeName& known) { return dtype.get_ref<const std::string&>() == known.name; });
  OFAPT_CHECK(found != std::end(kDtypes), ErrorKind::kFormat, path, ": tensor '", name, "' has unsupported dtype ",
              dtype.dump(), " (supported: F32 F16 BF16 F64 I64 I32 I16 I8 U8 BOOL)");
  entry.dtype = found->type;

  const auto& shape = info["shape"];
  OFAPT_CHECK(shape.is_array(), ErrorKind::kFormat, path, ": tensor '", name, "' shape is not an array");
  for (const auto& dim : shape) entry.shape.push_back(static_cast<int64_t>(read_count(dim, path, name, "shape")));

  const auto& offsets = info["data_offsets"];
  OFAPT_CHECK(offsets.is_array() && offsets.size() == 2, ErrorKind::kFormat, path, ": tensor '", name,
              "' data_offsets is not a [begin, end] pair");
  entry.begin = read_count(offsets[0], path, name, "data_offsets");
  entry.end = read_count(offsets[1], path, name, "data_offsets");
  OFAPT_CHECK(entry.begin <= entry.end, ErrorKind::kFormat, path, ": tensor '", name, "' data_offsets ",
              offsets_string(entry), " end before they begin");
  return entry;
}

// Bytes the dtype and shape need; overflow is reported as a mismatch rather than wrapping around.
void check_byte_count(const Entry& entry, const std::string& path) {
  uint64_t bytes = c10::elementSize(entry.dtype);
  bool overflow = false;
  for (int64_t dim : entry.shape) overflow |= __builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes);
  OFAPT_CHECK(!overflow && bytes == entry.end - entry.begin, ErrorKind::kFormat, path, ": tensor '", entry.name,
              "' dtype ", c10::toString(entry.dtype), " x shape ", shape_string(entry.shape), " needs ",
              overflow ? std::string("more than 2^64") : std::to_string(bytes), " bytes but data_offsets ",
              offsets_string(entry), " span ", entry.end - entry.begin);
}

// Tensors must tile the data buffer exactly: sorted by offset, each begins where the previous one
// ends, the last ends at the end of the file. So no byte is read twice or hides unread data.
void check_coverage(std::vector<Entry>& entries, uint64_t buffer_bytes, const std::string& path) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return std::tie(a.begin, a.end, a.name) < std::tie(b.begin, b.end, b.name);
  });
  uint64_t previous_end = 0;
  bool first = true;
  for (const Entry& entry : entries) {
    const std::string previous =
        first ? std::string("the start of the data buffer") : str("the previous tensor ending at ", previous_end);
    first = false;
    OFAPT_CHECK(entry.begin >= previous_end, ErrorKind::kFormat, path, ": tensor '", entry.name, "' data_offsets ",
                offsets_string(entry), " overlap ", previous);
    OFAPT_CHECK(entry.begin == previous_end, ErrorKind::kFormat, path, ": tensor '", entry.name, "' data_offsets ",
                offsets_string(entry), " leave a gap after ", previous);
    previous_end = entry.end;
  }
  OFAPT_CHECK(previous_end == buffer_bytes, ErrorKind::kFormat, path, ": the last ", buffer_bytes - previous_end,
              " bytes of the data buffer belong to no tensor");
}

const char* safetensors_dtype(at::ScalarType type, const std::string& path, const std::string& name) {
  for (const DtypeName& known : kDtypes) {
    if (known.type == type) return known.name;
  }
  throw Error(ErrorKind::kSchema, str(path, ": tensor '", name, "' has dtype ", c10::toString(type),
                                      ", which safetensors files written by ofapt do not support"));
}

}  // namespace

TensorMap read_safetensors(const std::string& path, std::map<std::string, std::string>* metadata) {
  const MappedFile file(path);
  return parse_safetensors(file.data(), file.size(), path, metadata);
}

TensorMap parse_safetensors(const char* data, size_t size, const std::string& path,
                            std::map<std::string, std::string>* metadata) {
  OFAPT_CHECK(size >= kLengthBytes, ErrorKind::kFormat, path, ": file has ", size,
              " bytes, too short for the 8-byte header length");
  uint64_t header_bytes = 0;
  std::memcpy(&header_bytes, data, kLengthBytes);
  OFAPT_CHECK(header_bytes <= kSafetensorsMaxHeaderBytes, ErrorKind::kFormat, path, ": header length ", header_bytes,
              " exceeds the limit of ", kSafetensorsMaxHeaderBytes, " bytes");
  OFAPT_CHECK(header_bytes <= size - kLengthBytes, ErrorKind::kFormat, path, ": header length ", header_bytes,
              " runs past the end of the file (", size, " bytes, ", kLengthBytes, " of them the length)");
  const char* header_begin = data + kLengthBytes;
  const nlohmann::json header = parse_header(header_begin, header_begin + header_bytes, path);
  OFAPT_CHECK(header.is_object(), ErrorKind::kFormat, path, ": header is not a JSON object");

  const uint64_t buffer_bytes = size - kLengthBytes - header_bytes;
  std::vector<Entry> entries;
  for (const auto& [name, info] : header.items()) {
    if (name == "__metadata__") {
      OFAPT_CHECK(info.is_object(), ErrorKind::kFormat, path, ": __metadata__ is not a JSON object");
      for (const auto& [key, value] : info.items()) {
        OFAPT_CHECK(value.is_string(), ErrorKind::kFormat, path, ": __metadata__ '", key, "' is not a string");
        if (metadata != nullptr) (*metadata)[key] = value.get<std::string>();
      }
      continue;
    }
    Entry entry = parse_entry(name, info, path);
    OFAPT_CHECK(entry.end <= buffer_bytes, ErrorKind::kFormat, path, ": tensor '", name, "' data_offsets ",
                offsets_string(entry), " run past the end of the data buffer (", buffer_bytes, " bytes; file size ",
                size, ")");
    check_byte_count(entry, path);
    entries.push_back(std::move(entry));
  }
  check_coverage(entries, buffer_bytes, path);

  const char* buffer = header_begin + header_bytes;
  TensorMap tensors;
  for (const Entry& entry : entries) {
    at::Tensor tensor = at::empty(entry.shape, at::TensorOptions().dtype(entry.dtype));
    if (entry.end > entry.begin) std::memcpy(tensor.data_ptr(), buffer + entry.begin, entry.end - entry.begin);
    tensors.emplace(entry.name, std::move(tensor));
  }
  return tensors;
}

void write_safetensors(const std::string& path, const TensorMap& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    OFAPT_CHECK(name != "__metadata__", ErrorKind::kSchema, path, ": a tensor cannot be named __metadata__");
    OFAPT_CHECK(tensor.defined() && tensor.layout() == at::kStrided, ErrorKind::kSchema, path, ": tensor '", name,
                "' is undefined or not a dense tensor");
    const uint64_t bytes = static_cast<uint64_t>(tensor.numel()) * tensor.element_size();
    header[name] = {{"dtype", safetensors_dtype(tensor.scalar_type(), path, name)},
                    {"shape", tensor.sizes().vec()},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string json;
  try {
    json = header.dump();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kSchema, str(path, ": a tensor name or metadata value is not valid UTF-8 (", e.what(), ")"));
  }
  // Spaces are valid JSON padding; they make the data buffer start 8-byte aligned, as upstream does.
  json.append((8 - json.size() % 8) % 8, ' ');

  std::string bytes;
  bytes.reserve(kLengthBytes + json.size() + offset);
  const uint64_t header_bytes = json.size();
  bytes.append(reinterpret_cast<const char*>(&header_bytes), kLengthBytes);
  bytes += json;
  for (const auto& [name, tensor] : tensors) {
    const at::Tensor cpu = tensor.detach().to(at::kCPU).contiguous();
    bytes.append(static_cast<const char*>(cpu.data_ptr()), cpu.numel() * cpu.element_size());
  }
  write_file_atomic(path, bytes);
}

}  // namespace ofapt
