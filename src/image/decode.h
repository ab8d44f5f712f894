// Image files -> RgbImage: JPEG and PNG, recognised by their magic bytes, converted to RGB like PIL's
// Image.open(...).convert("RGB") (alpha and transparency dropped, not composited; no EXIF rotation).
#pragma once

#include <cstdint>
#include <string>

#include "image/png_encode.h"
#include "image/rgb_image.h"

namespace ofapt {

// Limits checked on the declared size, before any pixel memory is allocated.
inline constexpr int kMaxImageSide = 16384;              // pixels per side
inline constexpr int64_t kMaxImagePixels = 100'000'000;  // width * height

// Decodes a whole JPEG or PNG file held in memory. `source_name` (a path, "row 12 of train.tsv") names
// the image in errors. Throws Error(kInput) for an empty, unknown, corrupt, truncated or oversized image.
RgbImage decode_image(const std::string& bytes, const std::string& source_name);

// The width and height an image's header declares, read without decoding its pixels (to refuse a
// large image cheaply). Throws as decode_image does for what is not a sane JPEG or PNG header.
ImageSize read_image_size(const std::string& bytes, const std::string& source_name);

// read_file + decode_image; a missing file is Error(kIo).
RgbImage read_image(const std::string& path);

// Throws Error(kInput) naming `source_name` and the limit unless width x height is a sane image size.
void check_image_size(int64_t width, int64_t height, const std::string& source_name);

}  // namespace ofapt
