// The allow-list of the pickle reader: what the few Python globals a torch checkpoint needs mean,
// and how torch.save's persistent ids name tensor storages. No global is ever called; a name
// outside this list yields an inert object (PickleKind::kObject) holding its name and arguments.
#pragma once

#include <string>

#include "checkpoint/pickle_value.h"

namespace ofapt {

// REDUCE / NEWOBJ: the value of `name(*args)`. Interpreted names:
//   torch._utils._rebuild_tensor_v2, _rebuild_tensor       -> kTensor (a view onto a kStorage)
//   torch._utils._rebuild_parameter(_with_state)           -> its tensor
//   torch._tensor._rebuild_from_type_v2                    -> the tensor its inner rebuild makes
//   collections.OrderedDict, argparse.Namespace            -> kDict (text names the class)
//   torch.Size -> kTuple; builtins.set, builtins.frozenset -> kList
//   _codecs.encode(str, "latin1")                          -> kBytes (protocol 2 spells bytes so)
//   numpy.core.multiarray.scalar(dtype, bytes)             -> kInt / kFloat / kBool (fairseq metrics)
// Throws Error(kFormat) stating only the problem (the reader adds file and byte offset) when an
// interpreted call has malformed arguments.
PickleValue* call_pickle_global(Pickle& pickle, const std::string& name, const PickleValue& args);

// BINPERSID: the persistent id torch.save writes for a storage,
// ("storage", torch.<Type>Storage, key, location, numel), as a kStorage value.
PickleValue* load_persistent_storage(Pickle& pickle, const PickleValue& pid);

// BUILD: applies `state` to `target`. An argparse.Namespace gains its attributes, an inert object
// keeps the state, anything else ignores it (e.g. the _metadata an OrderedDict state dict carries).
void build_pickle_value(PickleValue& target, PickleValue& state);

}  // namespace ofapt
