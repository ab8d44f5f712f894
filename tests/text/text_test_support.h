// Helpers shared by the text tests: a scratch directory and the GPT-2 BPE files (scripts/fetch_bpe.sh).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "text/ofa_tokenizer.h"
#include "util/file.h"

namespace ofapt::testing {

// A fresh directory under $TMPDIR, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ofapt-text-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return join_path(path_, name); }

 private:
  std::string path_;
};

inline bool have_gpt2_bpe() {
  const std::string dir = text::default_bpe_dir();
  return file_exists(join_path(dir, "encoder.json")) && file_exists(join_path(dir, "vocab.bpe"));
}

// The tokenizer of the default BPE files (identity layout), loaded once per test binary.
inline const text::OfaTokenizer& default_tokenizer() {
  static const text::OfaTokenizer tokenizer = text::load_tokenizer();
  return tokenizer;
}

}  // namespace ofapt::testing

// Skips the test when the GPT-2 BPE files are absent (run scripts/fetch_bpe.sh to get them).
#define OFAPT_REQUIRE_GPT2_BPE()                                                                                    \
  do {                                                                                                              \
    if (!::ofapt::testing::have_gpt2_bpe())                                                                         \
      GTEST_SKIP() << "needs GPT-2 BPE files in " << ::ofapt::text::default_bpe_dir() << " (scripts/fetch_bpe.sh)"; \
  } while (false)
