// A small, safe reader for the pickles torch.save writes (protocols 2-5). It decodes bytes into an
// inert PickleValue tree; globals are interpreted only through the allow-list in pickle_globals.h,
// so a checkpoint cannot run code. Every read is bounds-checked.
#pragma once

#include <cstddef>
#include <string>

#include "checkpoint/pickle_value.h"

namespace ofapt {

// Decodes one pickle. `source` names it in errors ("model.pt (data.pkl)").
// Throws Error(kFormat) naming the source and the byte offset for a truncated pickle, an unknown
// or unsupported opcode, a stack underflow, a bad memo index or malformed allow-listed arguments.
Pickle read_pickle(const char* data, size_t size, const std::string& source);

}  // namespace ofapt
