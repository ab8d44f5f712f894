#include "image/decode.h"

#include <cctype>
#include <cstring>

#include "image/jpeg_decode.h"
#include "image/png_decode.h"
#include "util/error.h"
#include "util/file.h"

namespace ofapt {
namespace {

bool starts_with(const std::string& bytes, const char* magic, size_t length) {
  return bytes.size() >= length && std::memcmp(bytes.data(), magic, length) == 0;
}

// Formats PIL would open but ofapt does not, so the error says what the file is rather than "unknown".
const char* known_unsupported_format(const std::string& bytes) {
  if (starts_with(bytes, "GIF8", 4)) return "GIF";
  if (starts_with(bytes, "BM", 2)) return "BMP";
  if (bytes.size() >= 12 && starts_with(bytes, "RIFF", 4) && bytes.compare(8, 4, "WEBP") == 0) return "WebP";
  if (starts_with(bytes, "II*\0", 4) || starts_with(bytes, "MM\0*", 4)) return "TIFF";
  return nullptr;
}

// The first bytes as hex, so a log shows what was there instead (often HTML or base64 text).
std::string hex_prefix(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) {
    const auto byte = static_cast<unsigned char>(bytes[i]);
    if (i > 0) out += ' ';
    out += digits[byte >> 4];
    out += digits[byte & 15];
  }
  return out;
}

// Throws Error(kInput) unless `bytes` start like a JPEG or PNG file; true for JPEG.
bool is_jpeg(const std::string& bytes, const std::string& source_name) {
  OFAPT_CHECK(!bytes.empty(), ErrorKind::kInput, source_name, ": empty image data");
  if (starts_with(bytes, "\xFF\xD8\xFF", 3)) return true;
  if (starts_with(bytes, "\x89PNG\r\n\x1A\n", 8)) return false;
  if (const char* format = known_unsupported_format(bytes)) {
    throw Error(ErrorKind::kInput, str(source_name, ": ", format, " images are not supported (only JPEG and PNG)"));
  }
  throw Error(ErrorKind::kInput, str(source_name, ": not a JPEG or PNG image (", bytes.size(), " bytes starting ",
                                     hex_prefix(bytes), ")"));
}

}  // namespace

void check_image_size(int64_t width, int64_t height, const std::string& source_name) {
  OFAPT_CHECK(width > 0 && height > 0, ErrorKind::kInput, source_name, ": image has an empty size ", width, "x",
              height);
  OFAPT_CHECK(width <= kMaxImageSide && height <= kMaxImageSide, ErrorKind::kInput, source_name, ": image size ", width,
              "x", height, " exceeds the limit of ", kMaxImageSide, " pixels per side");
  OFAPT_CHECK(width * height <= kMaxImagePixels, ErrorKind::kInput, source_name, ": image size ", width, "x", height,
              " exceeds the limit of ", kMaxImagePixels, " pixels");
}

RgbImage decode_image(const std::string& bytes, const std::string& source_name) {
  return is_jpeg(bytes, source_name) ? decode_jpeg(bytes, source_name) : decode_png(bytes, source_name);
}

ImageSize read_image_size(const std::string& bytes, const std::string& source_name) {
  return is_jpeg(bytes, source_name) ? jpeg_size(bytes, source_name) : png_size(bytes, source_name);
}

RgbImage read_image(const std::string& path) { return decode_image(read_file(path), path); }

}  // namespace ofapt
