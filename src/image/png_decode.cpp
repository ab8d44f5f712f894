#include "image/png_decode.h"

#include <cstdio>
#include <cstring>
#include <vector>

#include <png.h>

#include "image/decode.h"
#include "image/png_errors.h"
#include "util/error.h"

namespace ofapt {
namespace {

// Where libpng reads from.
struct PngState {
  const std::string* bytes = nullptr;
  size_t offset = 0;
};

void read_bytes(png_structp png, png_bytep out, size_t length) {
  auto* state = static_cast<PngState*>(png_get_io_ptr(png));
  if (length > state->bytes->size() - state->offset) png_error(png, "unexpected end of file");
  std::memcpy(out, state->bytes->data() + state->offset, length);
  state->offset += length;
}

class PngReader {
 public:
  PngReader(const std::string& bytes, const std::string& source_name) : source_name_(source_name) {
    state_.bytes = &bytes;
    png_ = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error_, png_errors::on_error, png_errors::on_warning);
    OFAPT_CHECK(png_ != nullptr, ErrorKind::kInternal, source_name_, ": cannot create a PNG decoder");
    info_ = png_create_info_struct(png_);
    if (info_ == nullptr) {
      png_destroy_read_struct(&png_, nullptr, nullptr);
      throw Error(ErrorKind::kInternal, str(source_name_, ": cannot create a PNG decoder"));
    }
    png_set_read_fn(png_, &state_, read_bytes);
  }
  ~PngReader() { png_destroy_read_struct(&png_, &info_, nullptr); }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;

  ImageSize read_header() {
    png_uint_32 width = 0, height = 0;
    if (!png_errors::guarded(png_, [&] {
          png_read_info(png_, info_);
          png_get_IHDR(png_, info_, &width, &height, &bit_depth_, &color_type_, nullptr, nullptr, nullptr);
        })) {
      fail();
    }
    check_image_size(width, height, source_name_);
    return {static_cast<int>(width), static_cast<int>(height)};
  }

  RgbImage decode() {
    const auto [width, height] = read_header();
    const int bit_depth = bit_depth_, color_type = color_type_;
    size_t row_bytes = 0;
    if (!png_errors::guarded(png_, [&] {
          request_rgb8(bit_depth, color_type);
          png_read_update_info(png_, info_);
          row_bytes = png_get_rowbytes(png_, info_);
        })) {
      fail();
    }
    RgbImage image(static_cast<int>(width), static_cast<int>(height));
    OFAPT_CHECK(row_bytes == static_cast<size_t>(image.width) * 3, ErrorKind::kInternal, source_name_,
                ": PNG rows are ", row_bytes, " bytes after conversion, expected ", image.width * 3);
    std::vector<png_bytep> rows(image.height);
    for (int y = 0; y < image.height; ++y) rows[y] = image.at(0, y);
    // png_read_image fails (rather than leaving rows blank) when the image data is truncated or corrupt.
    // The chunks after the image data (up to IEND) are not read: like PIL, a missing trailer loses nothing.
    if (!png_errors::guarded(png_, [&] { png_read_image(png_, rows.data()); })) fail();
    return image;
  }

 private:
  // Every layout to 8-bit RGB, as PIL's convert("RGB") would: 16-bit keeps the high byte, palettes are
  // looked up, alpha and tRNS transparency are dropped (not composited), 1/2/4-bit gray scaled to 0..255.
  void request_rgb8(int bit_depth, int color_type) {
    if (bit_depth == 16) png_set_strip_16(png_);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png_);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png_);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png_);
    png_set_strip_alpha(png_);  // also removes the alpha that palette expansion makes from tRNS
    png_set_interlace_handling(png_);
  }

  [[noreturn]] void fail() const { throw Error(ErrorKind::kInput, str(source_name_, ": corrupt PNG: ", error_.text)); }

  std::string source_name_;
  PngState state_;
  png_errors::Message error_;
  png_structp png_ = nullptr;
  png_infop info_ = nullptr;
  int bit_depth_ = 0, color_type_ = 0;  // from the header
};

}  // namespace

RgbImage decode_png(const std::string& bytes, const std::string& source_name) {
  PngReader reader(bytes, source_name);
  return reader.decode();
}

ImageSize png_size(const std::string& bytes, const std::string& source_name) {
  PngReader reader(bytes, source_name);
  return reader.read_header();
}

}  // namespace ofapt
