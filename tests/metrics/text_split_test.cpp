#include <gtest/gtest.h>

#include "metrics/text_split.h"

namespace ofapt {
namespace {

TEST(TextSplit, FollowsPythonSplitSemantics) {
  using V = std::vector<std::string>;
  EXPECT_EQ(split_whitespace("  a b\t c\n"), (V{"a", "b", "c"}));
  EXPECT_EQ(split_whitespace("2\u00a01/2"), (V{"2", "1/2"}));  // str.split() breaks at U+00A0
  EXPECT_EQ(split_whitespace(""), V{});
  EXPECT_EQ(split_space("2\u00a01/2 x"), (V{"2\u00a01/2", "x"}));  // str.split(" ") does not
  EXPECT_EQ(split_space(""), V{""});
  EXPECT_EQ(split_space("a  b"), (V{"a", "", "b"}));
}

}  // namespace
}  // namespace ofapt
