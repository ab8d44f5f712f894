// libpng's error handling, shared by the PNG decoder and encoder: libpng reports an error by calling
// a handler that must not return (it longjmps back into the step that failed). Ours records the
// message for a clear exception; libpng's default would also print to stderr.
#pragma once

#include <csetjmp>
#include <cstdio>

#include <png.h>

namespace ofapt::png_errors {

// Passed to png_create_{read,write}_struct as the error pointer.
struct Message {
  char text[256] = {};
};

[[noreturn]] inline void on_error(png_structp png, png_const_charp message) {
  auto* out = static_cast<Message*>(png_get_error_ptr(png));
  std::snprintf(out->text, sizeof(out->text), "%s", message);
  png_longjmp(png, 1);
}

inline void on_warning(png_structp, png_const_charp) {}  // e.g. a bad iCCP profile: pixels are unaffected

// Runs one libpng step; false if libpng reported an error. setjmp lives in its own function so that
// no C++ object with a destructor is skipped by the longjmp.
template <typename Step>
bool guarded(png_structp png, Step&& step) {
  if (setjmp(png_jmpbuf(png))) return false;
  step();
  return true;
}

}  // namespace ofapt::png_errors
