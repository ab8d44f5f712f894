#include "tuning/tuning_spec.h"

#include <gtest/gtest.h>

#include "model/model_test_util.h"
#include "tuning/make_method.h"
#include "util/error.h"

namespace ofapt {
namespace {

TEST(TuningSpec, ParsesMethodOptionsAndFlags) {
  auto spec = TuningSpec::parse("prompt:length=64, depth=both,reparam=mlp");
  EXPECT_EQ(spec.method, "prompt");
  EXPECT_EQ(spec.options.at("length"), "64");
  EXPECT_EQ(spec.options.at("reparam"), "mlp");
  EXPECT_EQ(TuningSpec::parse("bitfit:all").options.at("all"), "true");
  EXPECT_EQ(TuningSpec::parse("finetune").options.size(), 0u);
}

TEST(TuningSpec, RejectsMalformedText) {
  EXPECT_THROW(TuningSpec::parse(""), Error);
  EXPECT_THROW(TuningSpec::parse(":length=3"), Error);
  EXPECT_THROW(TuningSpec::parse("prompt:length=1,length=2"), Error);
  EXPECT_THROW(TuningSpec::parse("prompt:=3"), Error);
}

TEST(TuningSpec, CanonicalSpecSpellsOutDefaults) {
  auto model = testing::make_small_model();
  auto method = make_method("prompt:length=5", model->config());
  EXPECT_EQ(method->spec(), "prompt:depth=both,dropout=0.2,init_std=0.02,layers=all,length=5,reparam=none");
  // The canonical spec builds the same method again.
  EXPECT_EQ(make_method(method->spec(), model->config())->spec(), method->spec());
}

TEST(TuningSpec, UnknownOptionsAndBadValuesNameTheProblem) {
  auto config = testing::make_small_model()->config();
  try {
    make_method("prompt:lenght=5", config);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("lenght"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("length"), std::string::npos) << error.what();
  }
  EXPECT_THROW(make_method("prompt:length=0", config), Error);
  EXPECT_THROW(make_method("prompt:length=ten", config), Error);
  EXPECT_THROW(make_method("prompt:depth=middle", config), Error);
  EXPECT_THROW(make_method("prompt:layers=1-9", config), Error);
  EXPECT_THROW(make_method("lora:targets=q_proj+wq", config), Error);
  EXPECT_THROW(make_method("prefix:length=3", config), Error);
}

}  // namespace
}  // namespace ofapt
