#include "checkpoint/torch_checkpoint.h"

#include "util/error.h"

namespace ofapt {
namespace {

// Every entry of `dict` as a tensor; `where` names the dict in errors ("the state dict", "model").
TensorMap tensors_of(TorchArchive& archive, const PickleValue& dict, const std::string& where) {
  OFAPT_CHECK(dict.is_dict(), ErrorKind::kSchema, archive.path(), ": ", where, " is ", dict.describe(),
              ", not a dict of tensors");
  TensorMap tensors;
  for (const auto& [key, value] : dict.entries) {
    OFAPT_CHECK(key->kind == PickleKind::kString, ErrorKind::kSchema, archive.path(), ": ", where,
                " has a key that is ", key->describe(), ", not a string");
    OFAPT_CHECK(value->is_tensor(), ErrorKind::kSchema, archive.path(), ": ", where, " entry '", key->text,
                "' is a non-tensor payload (", value->describe(), ")");
    tensors[key->text] = archive.tensor(*value, key->text);
  }
  return tensors;
}

nlohmann::json model_args_of(const TorchArchive& archive) {
  const PickleValue& root = archive.root();
  const PickleValue* args = root.find("args");
  if (args != nullptr && args->is_dict()) return pickle_to_json(*args, archive.path() + " (args)");
  const PickleValue* cfg = root.find("cfg");
  const PickleValue* model = cfg != nullptr && cfg->is_dict() ? cfg->find("model") : nullptr;
  if (model != nullptr && model->is_dict()) return pickle_to_json(*model, archive.path() + " (cfg.model)");
  return nullptr;
}

}  // namespace

bool is_fairseq_checkpoint(const TorchArchive& archive) {
  const PickleValue& root = archive.root();
  if (!root.is_dict()) return false;
  const PickleValue* model = root.find("model");
  return model != nullptr && model->is_dict() && (root.find("args") != nullptr || root.find("cfg") != nullptr);
}

bool is_fairseq_checkpoint(const std::string& path) { return is_fairseq_checkpoint(TorchArchive(path)); }

TensorMap read_torch_state_dict(const std::string& path) {
  TorchArchive archive(path);
  if (is_fairseq_checkpoint(archive)) return tensors_of(archive, *archive.root().find("model"), "model");
  return tensors_of(archive, archive.root(), "the state dict");
}

FairseqCheckpoint read_fairseq_checkpoint(const std::string& path, const FairseqReadOptions& options) {
  TorchArchive archive(path);
  OFAPT_CHECK(is_fairseq_checkpoint(archive), ErrorKind::kSchema, path,
              ": not a fairseq checkpoint (expected a dict with 'model' and 'args' or 'cfg')");
  const PickleValue& root = archive.root();
  const PickleValue* weights = root.find("model");
  std::string where = "model";
  if (options.use_ema) {
    const PickleValue* extra = root.find("extra_state");
    weights = extra != nullptr && extra->is_dict() ? extra->find("ema") : nullptr;
    OFAPT_CHECK(weights != nullptr, ErrorKind::kSchema, path,
                ": no EMA weights (extra_state['ema']); the checkpoint was saved without --store-ema");
    where = "extra_state['ema']";
  }
  FairseqCheckpoint checkpoint;
  checkpoint.model = tensors_of(archive, *weights, where);
  checkpoint.model_args = model_args_of(archive);
  return checkpoint;
}

}  // namespace ofapt
