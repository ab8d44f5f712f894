// TorchArchive: a file written by Python's torch.save since PyTorch 1.6, a zip archive holding
// <name>/data.pkl (the pickled object), <name>/data/<key> (raw tensor storages) and <name>/version.
// The zip is read by LibTorch's own PyTorchStreamReader, the pickle by ofapt's safe reader, and
// storage bytes only when a tensor is asked for, so unused optimizer state is never loaded.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <string>

#include "checkpoint/pickle_value.h"

namespace caffe2::serialize {
class PyTorchStreamReader;
}

namespace ofapt {

class TorchArchive {
 public:
  // Opens `path` and decodes its data.pkl. Throws Error(kIo) when the file cannot be read and
  // Error(kFormat) naming the file for a legacy (pre-1.6) torch file, a TorchScript archive, a file
  // that is not a zip, a damaged zip or a corrupt pickle.
  explicit TorchArchive(const std::string& path);
  ~TorchArchive();
  TorchArchive(const TorchArchive&) = delete;
  TorchArchive& operator=(const TorchArchive&) = delete;

  const std::string& path() const { return path_; }
  const PickleValue& root() const { return pickle_.root(); }

  // The CPU tensor that `value` (a kTensor) describes; `name` names it in errors. Each storage is
  // read once and shared, so views of one storage (tied weights) stay views of one buffer.
  // Throws Error(kFormat) when the storage record is missing, its size differs from what the
  // pickle claims, or the view (offset, sizes, strides) reaches past the storage.
  at::Tensor tensor(const PickleValue& value, const std::string& name);

 private:
  at::Storage storage(const TensorRef& ref, const std::string& name);

  std::string path_;
  std::unique_ptr<caffe2::serialize::PyTorchStreamReader> reader_;
  Pickle pickle_;
  std::map<std::string, at::Storage> storages_;  // by storage key, loaded on first use
};

}  // namespace ofapt
