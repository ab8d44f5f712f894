#include "image/jpeg_encode.h"

#include <csetjmp>
#include <cstdio>
#include <cstdlib>

// jpeglib.h needs FILE and size_t declared first.
#include <jpeglib.h>

#include "util/error.h"

namespace ofapt {
namespace {

// libjpeg's default error handler calls exit(); this one longjmps back to encode_jpeg.
struct EncoderErrors {
  jpeg_error_mgr base;  // first: libjpeg hands back its address
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_encoder_error(j_common_ptr cinfo) {
  auto* errors = reinterpret_cast<EncoderErrors*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, errors->message);
  std::longjmp(errors->jump, 1);
}

}  // namespace

std::string encode_jpeg(const RgbImage& image, int quality) {
  OFAPT_CHECK(image.width > 0 && image.height > 0 &&
                  image.pixels.size() == static_cast<size_t>(image.width) * image.height * 3,
              ErrorKind::kInternal, "encode_jpeg: ", image.width, "x", image.height, " image holds ",
              image.pixels.size(), " bytes");
  OFAPT_CHECK(quality >= 1 && quality <= 100, ErrorKind::kUsage, "JPEG quality ", quality, " is outside 1..100");
  jpeg_compress_struct cinfo{};
  EncoderErrors errors{};
  cinfo.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = on_encoder_error;
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  if (setjmp(errors.jump) != 0) {
    jpeg_destroy_compress(&cinfo);
    std::free(buffer);
    throw Error(ErrorKind::kInternal, str("encode_jpeg: ", errors.message));
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(image.width);
  cinfo.image_height = static_cast<JDIMENSION>(image.height);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  cinfo.dct_method = JDCT_ISLOW;  // the exact integer DCT, not a platform-dependent fast one
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(image.pixels.data() + static_cast<size_t>(cinfo.next_scanline) * image.width * 3);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string bytes(reinterpret_cast<const char*>(buffer), size);
  std::free(buffer);
  return bytes;
}

}  // namespace ofapt
