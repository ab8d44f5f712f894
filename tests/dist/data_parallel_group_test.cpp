// DataParallelGroup on Gloo: the ranks of a run are threads of this test, meeting in a FileStore or a
// TCPStore on loopback, as separate processes do (tests/cli covers `ofapt tune --nproc`).
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <thread>

#include "dist/data_parallel_group.h"
#include "free_port.h"
#include "test_paths.h"
#include "util/error.h"

namespace ofapt {
namespace {

std::string fresh_store(const std::string& name) {
  const std::string dir = testing::binary_path("test-tmp/dist-" + name);
  std::system(("rm -rf " + dir + " && mkdir -p " + dir).c_str());
  return "file:" + dir + "/store";
}

// Runs `body(group)` on `world_size` ranks at once, each in its own thread; rethrows the first failure.
void on_every_rank(int world_size, const std::string& rendezvous,
                   const std::function<void(DataParallelGroup&)>& body) {
  std::vector<std::thread> threads;
  std::vector<std::string> failures(world_size);
  for (int rank = 0; rank < world_size; ++rank) {
    threads.emplace_back([&, rank] {
      try {
        DataParallelOptions options;
        options.rank = rank;
        options.world_size = world_size;
        options.rendezvous = rendezvous;
        options.timeout = std::chrono::seconds(30);
        auto group = DataParallelGroup::join(options);
        body(*group);
      } catch (const std::exception& e) {
        failures[rank] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int rank = 0; rank < world_size; ++rank) EXPECT_EQ(failures[rank], "") << "rank " << rank;
}

class DataParallelGroupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!data_parallel_available()) GTEST_SKIP() << "built without the Gloo headers (libgloo-dev)";
  }
};

TEST_F(DataParallelGroupTest, SumsTensorsOfEveryDtypeAcrossThreeRanks) {
  on_every_rank(3, fresh_store("sum"), [](DataParallelGroup& group) {
    const double r = group.rank();
    auto weights = torch::full({2, 3}, r + 1, torch::kFloat32);
    auto bias = torch::arange(4, torch::kFloat32) * r;
    auto count = torch::tensor({r, 10 * r}, torch::kFloat64);
    auto strided = torch::full({3, 2}, r, torch::kFloat32).t();  // not contiguous
    group.sum({weights, bias, count, strided});
    EXPECT_TRUE(torch::equal(weights, torch::full({2, 3}, 6.0f)));           // 1 + 2 + 3
    EXPECT_TRUE(torch::equal(bias, torch::arange(4, torch::kFloat32) * 3));  // (0 + 1 + 2) x
    EXPECT_TRUE(torch::equal(count, torch::tensor({3.0, 30.0}, torch::kFloat64)));
    EXPECT_TRUE(torch::equal(strided, torch::full({2, 3}, 3.0f)));
  });
}

TEST_F(DataParallelGroupTest, BroadcastsRankZerosTensorsAndBytes) {
  on_every_rank(2, fresh_store("broadcast"), [](DataParallelGroup& group) {
    auto table = torch::full({4, 2}, static_cast<float>(group.rank() + 7));
    group.broadcast({table});
    EXPECT_TRUE(torch::equal(table, torch::full({4, 2}, 7.0f)));
    const std::string mine = group.is_main() ? std::string("rank zero's \0 state", 18) : "ignored";
    EXPECT_EQ(group.broadcast_bytes(mine), std::string("rank zero's \0 state", 18));
    EXPECT_EQ(group.broadcast_bytes(""), "");
  });
}

TEST_F(DataParallelGroupTest, MeetsOverTcpOnLoopback) {
  const std::string rendezvous = "tcp://127.0.0.1:" + std::to_string(testing::free_loopback_port());
  on_every_rank(2, rendezvous, [](DataParallelGroup& group) {
    auto value = torch::tensor({static_cast<float>(group.rank() + 1)});
    group.sum({value});
    EXPECT_EQ(value.item<float>(), 3.0f);
  });
}

TEST_F(DataParallelGroupTest, APeerThatNeverComesIsAnErrorNotAHang) {
  DataParallelOptions options;
  options.rank = 0;
  options.world_size = 2;
  options.rendezvous = fresh_store("lonely");
  options.timeout = std::chrono::seconds(2);
  const auto started = std::chrono::steady_clock::now();
  try {
    auto group = DataParallelGroup::join(options);
    auto value = torch::ones({1});
    group->sum({value});
    FAIL() << "a group of 2 ran with 1 process";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find(options.rendezvous), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(60));
}

TEST(DataParallelOptions, OneProcessWhenTheEnvironmentSaysNothing) {
  ::unsetenv("OFAPT_RANK");
  ::unsetenv("OFAPT_WORLD_SIZE");
  const DataParallelOptions options = data_parallel_options_from_environment();
  EXPECT_EQ(options.world_size, 1);
  EXPECT_EQ(options.rank, 0);
  auto group = DataParallelGroup::join(options);
  EXPECT_FALSE(group->distributed());
  auto value = torch::ones({2});
  group->sum({value});  // alone: nothing to add
  EXPECT_TRUE(torch::equal(value, torch::ones({2})));
}

TEST(DataParallelOptions, MalformedVariablesAndRendezvousAreUsageErrors) {
  auto usage_error = [](const std::function<void()>& call, const std::string& needle) {
    try {
      call();
      ADD_FAILURE() << "no error for " << needle;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  ::setenv("OFAPT_WORLD_SIZE", "two", 1);
  usage_error([] { data_parallel_options_from_environment(); }, "OFAPT_WORLD_SIZE");
  ::setenv("OFAPT_WORLD_SIZE", "2", 1);
  ::setenv("OFAPT_RANK", "2", 1);
  usage_error([] { data_parallel_options_from_environment(); }, "OFAPT_RANK=2");
  ::unsetenv("OFAPT_RANK");
  ::unsetenv("OFAPT_WORLD_SIZE");
  if (!data_parallel_available()) return;
  DataParallelOptions options;
  options.world_size = 2;
  options.rendezvous = "http://somewhere";
  usage_error([&] { DataParallelGroup::join(options); }, "expected file:PATH");
  options.rendezvous = "tcp://127.0.0.1:99999";
  usage_error([&] { DataParallelGroup::join(options); }, "port '99999'");
}

}  // namespace
}  // namespace ofapt
