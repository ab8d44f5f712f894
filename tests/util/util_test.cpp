#include <gtest/gtest.h>

#include <fstream>

#include "util/hash.h"
#include "util/jsonl_log.h"
#include "util/progress.h"
#include "util/strings.h"

namespace ofapt {
namespace {

TEST(Hash64, IsStableAndSensitiveToEveryByteAndBoundary) {
  EXPECT_EQ(Hash64().update("abc").hex(), Hash64().update("abc").hex());
  EXPECT_EQ(Hash64().update("abc").hex().size(), 16u);
  EXPECT_NE(Hash64().update("abc").hex(), Hash64().update("abd").hex());
  EXPECT_NE(Hash64().update("ab").update("c").hex(), Hash64().update("a").update("bc").hex());
  const std::string nine = "123456789";
  EXPECT_NE(Hash64().update(nine.data(), 9).hex(), Hash64().update(nine.data(), 8).hex());
  std::string zeros(16, '\0');
  EXPECT_NE(Hash64().update(zeros.data(), 15).hex(), Hash64().update(zeros.data(), 16).hex());
  // Pinned value: fingerprints written to files must not change between versions.
  EXPECT_EQ(Hash64().update(std::string("ofapt")).hex(), "47a14d362bf11a93");
  EXPECT_EQ(Hash64().hex(), "47848a77c2953ad8");
}

TEST(SplitOn, KeepsEmptyPiecesAndMultiCharacterSeparators) {
  EXPECT_EQ(split_on("", ","), (std::vector<std::string>{""}));
  EXPECT_EQ(split_on("a,,b", ","), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(split_on("x&&y&", "&&"), (std::vector<std::string>{"x", "y&"}));
  EXPECT_EQ(split_on("a\tb\t", "\t"), (std::vector<std::string>{"a", "b", ""}));
}

TEST(ReplaceAll, MatchesPythonStrReplace) {
  EXPECT_EQ(replace_all("a    b", "  ", " "), "a  b");  // non-overlapping, one pass
  EXPECT_EQ(replace_all("  x", "  ", " "), " x");
  EXPECT_EQ(replace_all("a|||b|||", "|||", ""), "ab");
  EXPECT_EQ(replace_all("none", "|||", ""), "none");
}

TEST(HumanBytes, PicksKilobytesOrMegabytes) {
  EXPECT_EQ(human_bytes(262432), "256.3 KB");
  EXPECT_EQ(human_bytes(52296936), "49.9 MB");
  EXPECT_EQ(human_bytes(0), "0.0 KB");
}

TEST(JsonlLog, AppendsRecordsAndReadersSkipATornLine) {
  const std::string path = std::string(::testing::TempDir()) + "ofapt_log.jsonl";
  std::remove(path.c_str());
  {
    JsonlLog log(path);
    log.write({{"step", 1}});
    log.write({{"step", 2}});
  }
  { std::ofstream(path, std::ios::app) << "{\"step\": 3, \"lo"; }  // a run killed mid-write
  const auto records = read_jsonl(path);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1]["step"], 2);
  EXPECT_TRUE(read_jsonl(path + ".absent").empty());
  EXPECT_THROW(JsonlLog("/nonexistent-dir/x.jsonl"), std::exception);
}

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(format_duration(42.2), "42s");
  EXPECT_EQ(format_duration(185), "3m05s");
  EXPECT_EQ(format_duration(3720), "1h02m");
  EXPECT_EQ(format_duration(-1), "?");
  Progress progress("step", 100, 10);
  EXPECT_LT(progress.eta_seconds(10), 0);  // nothing done since the start: unknown
}

}  // namespace
}  // namespace ofapt
