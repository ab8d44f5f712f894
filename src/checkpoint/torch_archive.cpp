#include "checkpoint/torch_archive.h"

#include <caffe2/serialize/inline_container.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "checkpoint/pickle_reader.h"
#include "util/error.h"
#include "util/strings.h"

namespace ofapt {
namespace {

// Refuses files the zip reader would only report obscurely: a legacy torch.save file starts
// with a pickle (0x80 = PROTO), a zip with "PK".
void check_signature(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  OFAPT_CHECK(in.good(), ErrorKind::kIo, path, ": cannot open (", std::strerror(errno), ")");
  char head[2] = {0, 0};
  in.read(head, 2);
  OFAPT_CHECK(static_cast<unsigned char>(head[0]) != 0x80, ErrorKind::kFormat, path,
              ": legacy torch serialization (before PyTorch 1.6); re-save with torch>=1.6, e.g. "
              "torch.save(torch.load(f), f2)");
  OFAPT_CHECK(in.gcount() == 2 && head[0] == 'P' && head[1] == 'K', ErrorKind::kFormat, path,
              ": not a torch.save zip archive (no zip signature)");
}

// Elements a view needs from its storage: offset + sum((size - 1) * stride) + 1, or nothing for an
// empty view. Returns false on overflow, which no real view can reach.
bool view_extent(const TensorRef& ref, int64_t* extent) {
  for (int64_t size : ref.sizes) {
    if (size == 0) {
      *extent = 0;
      return true;
    }
  }
  int64_t last = ref.offset;
  for (size_t i = 0; i < ref.sizes.size(); ++i) {
    int64_t step = 0;
    if (__builtin_mul_overflow(ref.sizes[i] - 1, ref.strides[i], &step) || __builtin_add_overflow(last, step, &last)) {
      return false;
    }
  }
  return !__builtin_add_overflow(last, int64_t{1}, extent);
}

}  // namespace

TorchArchive::TorchArchive(const std::string& path) : path_(path) {
  check_signature(path);
  try {
    reader_ = std::make_unique<caffe2::serialize::PyTorchStreamReader>(path);
  } catch (const c10::Error& e) {
    throw Error(ErrorKind::kFormat, str(path, ": not a readable zip archive (", e.what_without_backtrace(), ")"));
  }
  OFAPT_CHECK(!reader_->hasRecord("constants.pkl"), ErrorKind::kFormat, path,
              ": a TorchScript archive (torch.jit.save or C++ torch::save), not a torch.save checkpoint");
  OFAPT_CHECK(reader_->hasRecord("data.pkl"), ErrorKind::kFormat, path, ": zip archive has no data.pkl record");
  try {
    if (reader_->hasRecord("byteorder")) {  // written since PyTorch 2.1
      auto [data, bytes] = reader_->getRecord("byteorder");
      const std::string order(static_cast<const char*>(data.get()), bytes);
      OFAPT_CHECK(order == "little", ErrorKind::kFormat, path, ": byte order '", order, "' is not supported");
    }
    auto [data, bytes] = reader_->getRecord("data.pkl");
    pickle_ = read_pickle(static_cast<const char*>(data.get()), bytes, path + " (data.pkl)");
  } catch (const c10::Error& e) {
    throw Error(ErrorKind::kFormat, str(path, ": cannot read data.pkl (", e.what_without_backtrace(), ")"));
  }
}

TorchArchive::~TorchArchive() = default;

at::Storage TorchArchive::storage(const TensorRef& ref, const std::string& name) {
  auto cached = storages_.find(ref.storage_key);
  if (cached != storages_.end()) return cached->second;

  const std::string record = "data/" + ref.storage_key;
  OFAPT_CHECK(reader_->hasRecord(record), ErrorKind::kFormat, path_, ": tensor '", name, "' refers to storage record ",
              record, ", which the archive lacks");
  uint64_t expected = 0;
  OFAPT_CHECK(!__builtin_mul_overflow(static_cast<uint64_t>(ref.storage_numel), c10::elementSize(ref.dtype), &expected),
              ErrorKind::kFormat, path_, ": storage ", ref.storage_key, " claims an impossible size");
  at::DataPtr data;
  size_t bytes = 0;
  try {
    std::tie(data, bytes) = reader_->getRecord(record);
  } catch (const c10::Error& e) {
    throw Error(ErrorKind::kFormat, str(path_, ": cannot read record ", record, " (", e.what_without_backtrace(), ")"));
  }
  OFAPT_CHECK(bytes == expected, ErrorKind::kFormat, path_, ": storage ", ref.storage_key, " of tensor '", name,
              "' holds ", bytes, " bytes but the pickle claims ", ref.storage_numel, " elements of ",
              c10::toString(ref.dtype), " (", expected, " bytes)");
  at::Storage storage(at::Storage::use_byte_size_t(), static_cast<int64_t>(bytes), std::move(data),
                      /*allocator=*/nullptr,
                      /*resizable=*/false);
  storages_.emplace(ref.storage_key, storage);
  return storage;
}

at::Tensor TorchArchive::tensor(const PickleValue& value, const std::string& name) {
  OFAPT_CHECK(value.kind == PickleKind::kTensor, ErrorKind::kSchema, path_, ": '", name, "' is ", value.describe(),
              ", not a tensor");
  const TensorRef& ref = value.tensor;
  at::Storage bytes = storage(ref, name);
  // One storage is one dtype: a second persistent id with the same key but another type is corrupt.
  const uint64_t storage_elements = bytes.nbytes() / c10::elementSize(ref.dtype);
  OFAPT_CHECK(
      storage_elements == static_cast<uint64_t>(ref.storage_numel) && bytes.nbytes() % c10::elementSize(ref.dtype) == 0,
      ErrorKind::kFormat, path_, ": storage ", ref.storage_key, " is used with two different types or sizes");
  int64_t extent = 0;
  const bool fits = view_extent(ref, &extent) && extent <= ref.storage_numel && ref.offset <= ref.storage_numel;
  OFAPT_CHECK(fits, ErrorKind::kFormat, path_, ": tensor '", name, "' (offset ", ref.offset, ", sizes ",
              shape_string(ref.sizes), ", strides ", shape_string(ref.strides), ") reaches past its storage ",
              ref.storage_key, " of ", ref.storage_numel, " elements; the storage is too small for the view");
  at::Tensor tensor = at::empty({0}, at::TensorOptions().dtype(ref.dtype));
  tensor.set_(bytes, ref.offset, ref.sizes, ref.strides);
  return tensor;
}

}  // namespace ofapt
