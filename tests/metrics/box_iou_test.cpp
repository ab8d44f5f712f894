#include <gtest/gtest.h>

#include "metrics/box_iou.h"
#include "util/error.h"

namespace ofapt {
namespace {

TEST(BoxIou, ExactMatchIsOneUpToTheEpsilon) {
  const Box b{10, 20, 50, 60};  // area 1600
  EXPECT_NEAR(box_iou(b, b), 1600 / (1600 + 1e-6), 1e-15);
  EXPECT_TRUE(grounding_hit(b, b));
}

TEST(BoxIou, TouchingAndZeroAreaBoxesAreNoHit) {
  EXPECT_EQ(box_iou({0, 0, 1, 1}, {1, 0, 2, 1}), 0.0);  // shared edge: width 0
  EXPECT_FALSE(grounding_hit({0, 0, 1, 1}, {1, 0, 2, 1}));
  EXPECT_EQ(box_iou({1, 1, 1, 1}, {1, 1, 1, 1}), 0.0);  // 0 / (0 + 1e-6)
  EXPECT_FALSE(grounding_hit({1, 1, 1, 1}, {1, 1, 1, 1}));
}

TEST(BoxIou, DisjointBoxesFailOnTheSignTestNotTheFormula) {
  // Width and height are both -1, their product +1: the reference formula gives 1/(1+1-1+1e-6).
  EXPECT_NEAR(box_iou({0, 0, 1, 1}, {2, 2, 3, 3}), 1.0, 1e-5);
  EXPECT_FALSE(grounding_hit({0, 0, 1, 1}, {2, 2, 3, 3}));
  // The per-row IoU says what is true: no overlap, 0; overlapping boxes keep the reference value.
  EXPECT_EQ(overlap_iou({0, 0, 1, 1}, {2, 2, 3, 3}), 0.0);
  EXPECT_EQ(overlap_iou({0, 0, 2, 1}, {3, -5, 4, 0}), 0.0);  // width -1, height 0
  EXPECT_EQ(overlap_iou({0, 0, 2, 2}, {1, 0, 3, 2}), box_iou({0, 0, 2, 2}, {1, 0, 3, 2}));
}

TEST(BoxIou, ThresholdIsInclusiveButTheEpsilonDecidesExactHalves) {
  // Overlap 2 of union 6: 1/3, a miss.
  EXPECT_NEAR(box_iou({0, 0, 2, 2}, {1, 0, 3, 2}), 2 / (4 + 4 - 2 + 1e-6), 1e-15);
  EXPECT_FALSE(grounding_hit({0, 0, 2, 2}, {1, 0, 3, 2}));
  // 8 / (16 + 8 - 8 + 1e-6) is just under 0.5: a miss, as in the reference.
  EXPECT_FALSE(grounding_hit({0, 0, 4, 4}, {0, 0, 4, 2}));
  // 3/5 = 0.6 is a hit; a lower threshold turns the 1/3 case into a hit.
  EXPECT_TRUE(grounding_hit({0, 0, 4, 5}, {0, 0, 4, 3}));
  EXPECT_TRUE(grounding_hit({0, 0, 2, 2}, {1, 0, 3, 2}, GroundingOptions{0.3}));
}

TEST(BoxIou, AccuracyIsTheFractionOfHits) {
  const std::vector<Box> pred = {{0, 0, 10, 10}, {0, 0, 1, 1}, {5, 5, 9, 9}, {0, 0, 2, 2}};
  const std::vector<Box> gold = {{0, 0, 10, 10}, {2, 2, 3, 3}, {5, 5, 9, 9}, {1, 0, 3, 2}};
  EXPECT_DOUBLE_EQ(grounding_accuracy(pred, gold), 0.5);
  EXPECT_THROW(grounding_accuracy(pred, {}), Error);
}

}  // namespace
}  // namespace ofapt
