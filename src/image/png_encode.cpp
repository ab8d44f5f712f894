#include "image/png_encode.h"

#include <cstdio>
#include <new>
#include <vector>

#include <png.h>

#include "image/png_errors.h"
#include "util/error.h"

namespace ofapt {
namespace {

struct PngSink {
  std::string* bytes = nullptr;
};

void write_bytes(png_structp png, png_bytep data, size_t length) {
  auto* sink = static_cast<PngSink*>(png_get_io_ptr(png));
  bool appended = true;
  try {  // an exception must not unwind through libpng's C frames
    sink->bytes->append(reinterpret_cast<const char*>(data), length);
  } catch (const std::bad_alloc&) {
    appended = false;
  }
  if (!appended) png_error(png, "out of memory");
}

void flush_nothing(png_structp) {}

}  // namespace

std::string encode_png(const RgbImage& image) {
  OFAPT_CHECK(
      image.width > 0 && image.height > 0 && image.pixels.size() == static_cast<size_t>(image.width) * image.height * 3,
      ErrorKind::kInternal, "encode_png: inconsistent image ", image.width, "x", image.height, " with ",
      image.pixels.size(), " bytes");
  std::string bytes;
  PngSink sink;
  png_errors::Message error;
  sink.bytes = &bytes;
  png_structp png =
      png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, png_errors::on_error, png_errors::on_warning);
  OFAPT_CHECK(png != nullptr, ErrorKind::kInternal, "encode_png: cannot create a PNG encoder");
  png_infop info = png_create_info_struct(png);
  std::vector<png_bytep> rows(image.height);
  for (int y = 0; y < image.height; ++y) rows[y] = const_cast<png_bytep>(image.at(0, y));
  const bool have_info = info != nullptr;
  const bool ok = info != nullptr && png_errors::guarded(png, [&] {
                    png_set_write_fn(png, &sink, write_bytes, flush_nothing);
                    png_set_IHDR(png, info, image.width, image.height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
                    png_set_compression_level(png, 6);
                    png_write_info(png, info);
                    png_write_image(png, rows.data());
                    png_write_end(png, nullptr);
                  });
  png_destroy_write_struct(&png, &info);
  OFAPT_CHECK(ok, ErrorKind::kInternal, "encode_png: ", have_info ? error.text : "out of memory");
  return bytes;
}

}  // namespace ofapt
