// The METEOR/SPICE plumbing, run against a stand-in `java` (a shell script speaking each jar's
// protocol): what ofapt sends, how it reads the answers, and how failures are reported. The real
// jars cannot be downloaded here; docs/metrics.md says how to point ofapt at them.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "metrics/caption_scores.h"
#include "util/error.h"
#include "util/file.h"
#include "util/subprocess.h"

namespace ofapt {
namespace {

// METEOR: "SCORE ||| ..." -> "stats<i>"; "EVAL ||| s1 ||| s2" -> 0.1, 0.2, ... then 0.25.
// SPICE: writes All.f = 0.2, 0.4, ... for image 0, 1, ... to the -out file.
constexpr const char* kFakeJava = R"(#!/bin/bash
here=$(dirname "$0")
printf '%s\n' "$*" >> "$here/args.log"
case "$3" in
  *fail.jar) echo "Exception in thread main: no paraphrase table" >&2; exit 3 ;;
  *meteor.jar)
    n=0
    while IFS= read -r line; do
      printf '%s\n' "$line" >> "$here/meteor_input.log"
      case "$line" in
        SCORE*) echo "stats$n"; n=$((n+1)) ;;
        EVAL*) k=$(grep -o '|||' <<< "$line" | wc -l)
               for i in $(seq 1 "$k"); do echo "0.$i"; done; echo "0.25" ;;
      esac
    done ;;
  *spice.jar)
    out=""; prev=""
    for a in "$@"; do [ "$prev" = "-out" ] && out="$a"; prev="$a"; done
    k=$(grep -o '"image_id"' "$4" | wc -l)
    { echo -n "["; for i in $(seq 0 $((k-1))); do
        [ "$i" -gt 0 ] && echo -n ","
        echo -n "{\"image_id\":$i,\"scores\":{\"All\":{\"f\":0.$((2*(i+1)))}}}"; done; echo "]"; } > "$out" ;;
esac
)";

class JavaCaptionMetrics : public ::testing::Test {
 protected:
  void SetUp() override {
    java_ = join_path(dir_.path(), "java");
    write_file_atomic(java_, kFakeJava);
    ::chmod(java_.c_str(), 0755);
    for (const char* jar : {"meteor.jar", "spice.jar", "fail.jar"}) write_file_atomic(join_path(dir_.path(), jar), "");
    options_.java = java_;
  }
  std::string jar(const char* name) const { return join_path(dir_.path(), name); }

  TemporaryDirectory dir_;
  std::string java_;
  JavaMetricOptions options_;
  const std::vector<std::string> cands_ = {"A dog runs.", "two  cats ||| sleep"};
  const std::vector<std::vector<std::string>> refs_ = {{"A dog is running!", "The dog runs."}, {"Two cats asleep."}};
};

TEST_F(JavaCaptionMetrics, AreNotComputedWithoutJars) {
  const auto json = score_captions(cands_, refs_).to_json();
  EXPECT_TRUE(json["METEOR"].is_null());
  EXPECT_TRUE(json["SPICE"].is_null());
}

TEST_F(JavaCaptionMetrics, MeteorSendsTokenizedScoreLinesThenOneEvalLine) {
  options_.meteor_jar = jar("meteor.jar");
  const CaptionScores scores = score_captions(cands_, refs_, options_);
  ASSERT_TRUE(scores.meteor.has_value());
  EXPECT_DOUBLE_EQ(*scores.meteor, 0.25);
  EXPECT_EQ(scores.meteor_per_image, (std::vector<double>{0.1, 0.2}));
  EXPECT_FALSE(scores.spice.has_value());
  EXPECT_DOUBLE_EQ(scores.to_json()["METEOR"].get<double>(), 0.25);
  // PTB-tokenized and lower-cased as COCOEvalCap passes them (the tokenizer already splits "|||").
  EXPECT_EQ(read_file(join_path(dir_.path(), "meteor_input.log")),
            "SCORE ||| a dog is running ||| the dog runs ||| a dog runs\n"
            "SCORE ||| two cats asleep ||| two cats | | | sleep\n"
            "EVAL ||| stats0 ||| stats1\n");
  EXPECT_NE(read_file(join_path(dir_.path(), "args.log")).find("-jar -Xmx2G " + jar("meteor.jar") +
                                                               " - - -stdio -l en -norm"),
            std::string::npos);
}

TEST_F(JavaCaptionMetrics, SpiceIsTheMeanOfEveryImagesAllF) {
  options_.spice_jar = jar("spice.jar");
  const CaptionScores scores = score_captions(cands_, refs_, options_);
  ASSERT_TRUE(scores.spice.has_value());
  EXPECT_NEAR(*scores.spice, 0.3, 1e-12);
  EXPECT_EQ(scores.spice_per_image, (std::vector<double>{0.2, 0.4}));
  EXPECT_NE(read_file(join_path(dir_.path(), "args.log")).find("-subset -silent"), std::string::npos);
}

TEST_F(JavaCaptionMetrics, FailuresNameTheCommandAndItsError) {
  options_.meteor_jar = jar("fail.jar");
  try {
    score_captions(cands_, refs_, options_);
    FAIL() << "a failing jar must be an error";
  } catch (const Error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("exited with status 3"), std::string::npos) << message;
    EXPECT_NE(message.find("no paraphrase table"), std::string::npos) << message;
  }
  options_.meteor_jar = jar("missing.jar");
  EXPECT_THROW(score_captions(cands_, refs_, options_), Error);
  options_.meteor_jar = jar("meteor.jar");
  options_.java = join_path(dir_.path(), "no-such-java");
  try {
    score_captions(cands_, refs_, options_);
    FAIL() << "a missing java must be an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot be run"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace ofapt
