#include "image/jpeg_decode.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <vector>

// jpeglib.h needs FILE and size_t declared first.
#include <jerror.h>
#include <jpeglib.h>

#include "image/decode.h"
#include "util/error.h"

namespace ofapt {
namespace {

// A progressive file may declare thousands of scans to make decoding take forever.
constexpr int kMaxScans = 1000;

// libjpeg's default error handler calls exit(); ours records the message and longjmps back to the last
// guarded() call, which turns it into an ofapt::Error. `base` must come first: libjpeg hands back its address.
struct JpegErrorManager {
  jpeg_error_mgr base;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void fail_with(j_common_ptr cinfo, const char* message) {
  auto* err = reinterpret_cast<JpegErrorManager*>(cinfo->err);
  std::snprintf(err->message, sizeof(err->message), "%s", message);
  std::longjmp(err->jump, 1);
}

[[noreturn]] void on_error(j_common_ptr cinfo) {
  char message[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, message);
  fail_with(cinfo, message);
}

// Warnings that only concern metadata or padding; every other warning means lost or corrupt pixel data
// (libjpeg would go on and fill the rest of the image with grey), so it is an error.
bool is_harmless_warning(int code) {
  switch (code) {
    case JWRN_ADOBE_XFORM:
    case JWRN_EXTRANEOUS_DATA:
    case JWRN_JFIF_MAJOR:
#if LIBJPEG_TURBO_VERSION_NUMBER >= 2000090
    case JWRN_BOGUS_ICC:
#endif
      return true;
    default:
      return false;
  }
}

void on_message(j_common_ptr cinfo, int level) {
  if (level < 0 && !is_harmless_warning(cinfo->err->msg_code)) on_error(cinfo);
  // Trace messages (level >= 0) and harmless warnings are dropped: never print to stderr.
}

void on_progress(j_common_ptr cinfo) {
  const auto* dinfo = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (dinfo->input_scan_number > kMaxScans) fail_with(cinfo, "too many progressive scans");
}

// Runs one libjpeg step; false if libjpeg reported an error (the message is in err.message). setjmp lives in
// its own function so that no C++ object with a destructor is skipped by the longjmp.
template <typename Step>
bool guarded(JpegErrorManager& err, Step&& step) {
  if (setjmp(err.jump)) return false;
  step();
  return true;
}

// Owns the decompressor so that every exit path, error or not, releases libjpeg's memory.
class JpegReader {
 public:
  explicit JpegReader(const std::string& source_name) : source_name_(source_name) {
    cinfo_.err = jpeg_std_error(&err_.base);
    err_.base.error_exit = on_error;
    err_.base.emit_message = on_message;
    err_.message[0] = '\0';
    progress_.progress_monitor = on_progress;
    if (!guarded(err_, [&] { jpeg_create_decompress(&cinfo_); })) fail();
    created_ = true;
    cinfo_.progress = &progress_;
  }
  ~JpegReader() {
    if (created_) jpeg_destroy_decompress(&cinfo_);
  }
  JpegReader(const JpegReader&) = delete;
  JpegReader& operator=(const JpegReader&) = delete;

  ImageSize read_header(const std::string& bytes) {
    if (!guarded(err_, [&] {
          jpeg_mem_src(&cinfo_, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
          jpeg_read_header(&cinfo_, TRUE);
        })) {
      fail();
    }
    check_image_size(cinfo_.image_width, cinfo_.image_height, source_name_);
    return {static_cast<int>(cinfo_.image_width), static_cast<int>(cinfo_.image_height)};
  }

  RgbImage decode(const std::string& bytes) {
    read_header(bytes);
    switch (cinfo_.jpeg_color_space) {
      case JCS_GRAYSCALE:
        cinfo_.out_color_space = JCS_GRAYSCALE;
        break;
      case JCS_RGB:
      case JCS_YCbCr:
        cinfo_.out_color_space = JCS_RGB;
        break;
      case JCS_CMYK:
      case JCS_YCCK:  // libjpeg turns YCCK into CMYK
        cinfo_.out_color_space = JCS_CMYK;
        break;
      default:
        throw Error(ErrorKind::kInput, str(source_name_, ": JPEG with an unsupported colour space (",
                                           cinfo_.num_components, " components)"));
    }
    // Defaults kept on purpose (ISLOW IDCT, fancy upsampling): they are what PIL decodes with.
    if (!guarded(err_, [&] { jpeg_start_decompress(&cinfo_); })) fail();

    RgbImage image(static_cast<int>(cinfo_.output_width), static_cast<int>(cinfo_.output_height));
    const int components = cinfo_.output_components;
    std::vector<uint8_t> row(static_cast<size_t>(image.width) * components);
    bool stalled = false;
    if (!guarded(err_, [&] {
          while (cinfo_.output_scanline < cinfo_.output_height) {
            const int y = static_cast<int>(cinfo_.output_scanline);
            JSAMPROW rows[1] = {row.data()};
            if (jpeg_read_scanlines(&cinfo_, rows, 1) != 1) {
              stalled = true;
              return;
            }
            to_rgb(row.data(), components, image.width, image.at(0, y));
          }
        })) {
      fail();
    }
    OFAPT_CHECK(!stalled, ErrorKind::kInput, source_name_, ": corrupt JPEG: decoder stopped early");
    // Reads up to the EOI marker: a file without it is truncated (libjpeg has already warned, PIL refuses it too).
    if (!guarded(err_, [&] { jpeg_finish_decompress(&cinfo_); })) fail();
    return image;
  }

 private:
  [[noreturn]] void fail() const {
    throw Error(ErrorKind::kInput, str(source_name_, ": corrupt JPEG: ", err_.message));
  }

  // Gray is replicated; CMYK is Adobe-inverted and mapped like PIL's convert("RGB"):
  // channel = (255 - k) - (c * (255 - k)) / 255, with PIL's rounded integer division.
  static void to_rgb(const uint8_t* in, int components, int width, uint8_t* out) {
    if (components == 3) {
      std::copy(in, in + static_cast<size_t>(width) * 3, out);
      return;
    }
    for (int x = 0; x < width; ++x, out += 3) {
      if (components == 1) {
        out[0] = out[1] = out[2] = in[x];
        continue;
      }
      const uint8_t* cmyk = in + x * 4;
      const int inverse_k = cmyk[3];  // the file stores 255 - k
      for (int c = 0; c < 3; ++c) {
        const int product = (255 - cmyk[c]) * inverse_k + 128;
        const int value = inverse_k - (((product >> 8) + product) >> 8);
        out[c] = static_cast<uint8_t>(value < 0 ? 0 : value);
      }
    }
  }

  std::string source_name_;
  JpegErrorManager err_{};
  jpeg_progress_mgr progress_{};
  jpeg_decompress_struct cinfo_{};
  bool created_ = false;
};

}  // namespace

RgbImage decode_jpeg(const std::string& bytes, const std::string& source_name) {
  JpegReader reader(source_name);
  return reader.decode(bytes);
}

ImageSize jpeg_size(const std::string& bytes, const std::string& source_name) {
  JpegReader reader(source_name);
  return reader.read_header(bytes);
}

}  // namespace ofapt
