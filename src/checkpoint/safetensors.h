// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte little-endian
// header length N, N bytes of JSON {name: {dtype, shape, data_offsets}, "__metadata__": {...}},
// then one byte buffer holding every tensor, C order, little-endian. It holds data only, so a file
// can never run code on load; docs/checkpoints.md lists the rules the reader enforces.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "checkpoint/tensor_map.h"

namespace ofapt {

// The largest header the reader accepts, as in the reference implementation: a bigger one is
// treated as an attempt to exhaust memory.
inline constexpr uint64_t kSafetensorsMaxHeaderBytes = 100'000'000;

// Reads every tensor of a safetensors file (each copied once out of a memory map into its own
// CPU tensor) and, when `metadata` is given, the "__metadata__" string map.
// Throws Error(kFormat) naming the file and the broken rule; Error(kIo) when it cannot be read.
TensorMap read_safetensors(const std::string& path, std::map<std::string, std::string>* metadata = nullptr);

// The same for a safetensors file already in memory (`size` bytes at `data`); `path` names it in errors.
TensorMap parse_safetensors(const char* data, size_t size, const std::string& path,
                            std::map<std::string, std::string>* metadata = nullptr);

// Writes `tensors` (any device, layout or stride; dtypes F32 F16 BF16 F64 I64 I32 I16 I8 U8 BOOL)
// atomically. The header is padded with spaces so the byte buffer starts 8-byte aligned.
// Throws Error(kSchema) for an unsupported dtype, Error(kIo) when the file cannot be written.
void write_safetensors(const std::string& path, const TensorMap& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace ofapt
