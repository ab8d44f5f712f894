#include "data/batch_loader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "util/error.h"

namespace ofapt {
namespace {

// Rows whose index is a multiple of 7 are malformed; row i's target encodes i. Slow rows show
// that batches still come back in schedule order.
class FlakyRows : public Dataset {
 public:
  int64_t size() const override { return 40; }
  std::string name() const override { return "flaky"; }
  Example get(int64_t index) const override {
    if (index % 7 == 0) throw Error(ErrorKind::kInput, "flaky:" + std::to_string(index + 1) + ": broken row");
    if (index % 5 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    Example example;
    example.id = std::to_string(index);
    example.source = {0, 2};
    example.target = {100 + index, 2};
    return example;
  }
};

TEST(BatchLoader, ReturnsBatchesInScheduleOrderAndSkipsBadRowsWhenAsked) {
  FlakyRows data;
  BatchLoaderOptions options;
  options.skip_bad_rows = true;
  options.decode_threads = 3;
  BatchLoader loader(data, options);
  loader.schedule({0, 1, 2, 3});
  loader.schedule({5, 6, 7, 8});
  loader.schedule({14});
  loader.schedule({9, 10});
  EXPECT_EQ(loader.pending(), 4);
  const Batch first = loader.next();
  EXPECT_EQ(first.indices, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(first.target[0][0].item<int64_t>(), 101);
  EXPECT_EQ(loader.next().indices, (std::vector<int64_t>{5, 6, 8}));
  EXPECT_EQ(loader.next().size(), 0);  // its only row was malformed
  EXPECT_EQ(loader.next().indices, (std::vector<int64_t>{9, 10}));
  EXPECT_EQ(loader.skipped_rows(), 3);
  ASSERT_EQ(loader.problems().size(), 3u);
  bool named = false;  // problems are recorded in the order threads finish
  for (const auto& problem : loader.problems()) named |= problem.find("flaky:1: broken row") != std::string::npos;
  EXPECT_TRUE(named);
}

TEST(BatchLoader, AMalformedRowIsFatalByDefault) {
  FlakyRows data;
  BatchLoader loader(data, BatchLoaderOptions{});
  loader.schedule({1, 7});
  try {
    loader.next();
    FAIL();
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("flaky:8"), std::string::npos);
  }
}

}  // namespace
}  // namespace ofapt
