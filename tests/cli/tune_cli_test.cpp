// ofapt tune through the binary: kill -9 mid-run and rerun continues on the same loss curve;
// the tuned task loads with --tuned on its base and is refused on another.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <thread>

#include "image/base64.h"
#include "image/png_encode.h"
#include "image/synthetic.h"
#include "cli/run_ofapt.h"
#include "dist/data_parallel_group.h"
#include "free_port.h"
#include "test_paths.h"
#include "util/file.h"
#include "util/jsonl_log.h"

namespace ofapt {
namespace {

using testing::run_ofapt;

std::string fresh_dir(const std::string& name) { return testing::fresh_test_dir(name); }

// The last logged training loss of every step (a resumed run logs the redone steps again).
std::map<int64_t, double> losses_by_step(const std::string& log) {
  std::map<int64_t, double> losses;
  for (const auto& record : read_jsonl(log)) {
    if (record["event"] == "train") losses[record["step"].get<int64_t>()] = record["loss"].get<double>();
  }
  return losses;
}

class TuneCli : public ::testing::Test {
 protected:
  // ctest runs each test in its own process, two at a time: every test gets its own directory.
  void SetUp() override {
    dir_ = fresh_dir(std::string("tune-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    auto init = run_ofapt("init --preset micro --seed 1 --out " + dir_ + "/model");
    ASSERT_EQ(init.exit_code, 0) << init.output;
    const char* words[] = {"red", "green", "blue", "yellow"};
    std::string rows;
    for (int i = 0; i < 16; ++i) {
      rows += std::to_string(i) + "\t" + base64_encode(encode_png(make_synthetic_image(32, i))) +
              "\twhat color is it?\t" + words[i % 4] + "\n";
    }
    write_file_atomic(dir_ + "/task.tsv", rows);
  }
  std::string tune_arguments(const std::string& output, int steps,
                             const std::string& method = "prompt:length=4") const {
    return "tune --model " + dir_ + "/model --train " + dir_ + "/task.tsv --output " + output +
           " --image-size 32 --method " + method + " --batch-size 4 --log-every 1 --save-every 10 --quiet --steps " +
           std::to_string(steps);
  }
  std::string dir_;
};

TEST_F(TuneCli, KilledRunResumesOnTheSameLossCurve) {
  const int steps = 150;
  const std::string whole = dir_ + "/whole";
  auto reference = run_ofapt(tune_arguments(whole, steps));
  ASSERT_EQ(reference.exit_code, 0) << reference.output;

  const std::string killed = dir_ + "/killed";
  std::system(("rm -rf " + killed).c_str());
  const std::string command = testing::binary_path("ofapt") + " " + tune_arguments(killed, steps) + " >/dev/null 2>&1";
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  // Kill -9 as soon as the first checkpoint is written, mid-run.
  bool checkpointed = false;
  for (int i = 0; i < 3000 && !checkpointed; ++i) {
    for (const auto& record : read_jsonl(killed + "/train_log.jsonl")) checkpointed |= record["event"] == "checkpoint";
    if (!checkpointed) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(checkpointed) << "the run never wrote a checkpoint";
  bool ended = false;
  for (const auto& record : read_jsonl(killed + "/train_log.jsonl")) ended |= record["event"] == "end";
  ASSERT_FALSE(ended) << "the run finished before it could be killed; make it longer";

  auto resumed = run_ofapt(tune_arguments(killed, steps));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const auto summary = nlohmann::json::parse(resumed.output.substr(resumed.output.find('{')));
  EXPECT_GT(summary["resumed_from"].get<int64_t>(), 0);
  EXPECT_EQ(summary["steps"].get<int64_t>(), steps);

  const auto expected = losses_by_step(whole + "/train_log.jsonl");
  const auto actual = losses_by_step(killed + "/train_log.jsonl");
  ASSERT_EQ(expected.size(), static_cast<size_t>(steps));
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [step, loss] : expected) EXPECT_NEAR(actual.at(step), loss, 1e-9 * std::abs(loss)) << "step " << step;
  // The saved prompts are the same too.
  EXPECT_EQ(read_file(whole + "/final/adapter_model.safetensors"), read_file(killed + "/final/adapter_model.safetensors"));
}

// Starts `ofapt ARGUMENTS` in a process group of its own (so a test can kill a run with its workers).
pid_t start_ofapt_group(const std::string& arguments) {
  const std::string command = testing::binary_path("ofapt") + " " + arguments + " >/dev/null 2>&1";
  const pid_t pid = fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

bool log_has(const std::string& log, const std::string& event) {
  for (const auto& record : read_jsonl(log)) {
    if (record["event"] == event) return true;
  }
  return false;
}

// Waits up to ~30 s for the run's log to record `event`.
bool wait_for_event(const std::string& log, const std::string& event) {
  for (int i = 0; i < 3000; ++i) {
    if (log_has(log, event)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The pid of the launcher's worker of `rank` (read off the children's environment), or -1.
pid_t worker_pid(pid_t launcher, int rank) {
  for (int attempt = 0; attempt < 300; ++attempt) {
    FILE* pipe = ::popen(("pgrep -P " + std::to_string(launcher)).c_str(), "r");
    int child = 0;
    while (std::fscanf(pipe, "%d", &child) == 1) {
      const std::string environment = read_file("/proc/" + std::to_string(child) + "/environ");
      if (environment.find(std::string("OFAPT_RANK=") + std::to_string(rank) + '\0') != std::string::npos) {
        ::pclose(pipe);
        return child;
      }
    }
    ::pclose(pipe);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

class DataParallelTuneCli : public TuneCli {
 protected:
  void SetUp() override {
    if (!data_parallel_available()) GTEST_SKIP() << "built without the Gloo headers (libgloo-dev)";
    TuneCli::SetUp();
  }
};

// Two processes, each taking one micro-batch of every update, train exactly as one process
// accumulating both: the same losses and the same saved prompt, bit for bit (a sum of two is the same
// in either order). Prompt dropout is off, since the ranks draw their own masks.
TEST_F(DataParallelTuneCli, TwoProcessesFollowTheOneProcessLossCurve) {
  auto arguments = [&](const std::string& output) {
    return tune_arguments(output, 20, "prompt:length=4,dropout=0") + " --valid " + dir_ + "/task.tsv --valid-every 10";
  };
  auto one = run_ofapt(arguments(dir_ + "/one") + " --update-freq 2");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  auto two = run_ofapt(arguments(dir_ + "/two") + " --nproc 2");
  ASSERT_EQ(two.exit_code, 0) << two.output;
  const auto summary = nlohmann::json::parse(two.output.substr(two.output.find('{')));
  EXPECT_EQ(summary["processes"], 2);
  EXPECT_EQ(summary["steps"], 20);

  const auto expected = losses_by_step(dir_ + "/one/train_log.jsonl");
  const auto actual = losses_by_step(dir_ + "/two/train_log.jsonl");
  ASSERT_EQ(expected.size(), 20u);
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [step, loss] : expected) EXPECT_EQ(actual.at(step), loss) << "step " << step;
  EXPECT_LT(expected.rbegin()->second, expected.begin()->second);  // it did learn
  EXPECT_EQ(read_file(dir_ + "/one/final/adapter_model.safetensors"),
            read_file(dir_ + "/two/final/adapter_model.safetensors"));
  EXPECT_TRUE(file_exists(dir_ + "/two/best/adapter_config.json"));  // rank 0 validated and saved
}

// Killed with all its workers and run again, a two-process run continues on its own loss curve, with
// prompt dropout on: rank 1's masks restart from (seed, rank, step) at every checkpoint.
TEST_F(DataParallelTuneCli, KilledTwoProcessRunResumesOnTheSameLossCurve) {
  const int steps = 120;
  auto arguments = [&](const std::string& output) { return tune_arguments(output, steps) + " --nproc 2"; };
  auto whole = run_ofapt(arguments(dir_ + "/whole"));
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  const std::string killed = dir_ + "/killed";
  const pid_t pid = start_ofapt_group(arguments(killed));
  ASSERT_GT(pid, 0);
  const bool checkpointed = wait_for_event(killed + "/train_log.jsonl", "checkpoint");
  ::kill(-pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_TRUE(checkpointed) << "the run never wrote a checkpoint";
  ASSERT_FALSE(log_has(killed + "/train_log.jsonl", "end")) << "the run finished before it was killed";

  auto resumed = run_ofapt(arguments(killed));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_GT(nlohmann::json::parse(resumed.output.substr(resumed.output.find('{')))["resumed_from"].get<int64_t>(), 0);
  const auto expected = losses_by_step(dir_ + "/whole/train_log.jsonl");
  const auto actual = losses_by_step(killed + "/train_log.jsonl");
  ASSERT_EQ(actual.size(), expected.size());
  for (const auto& [step, loss] : expected) EXPECT_EQ(actual.at(step), loss) << "step " << step;
  EXPECT_EQ(read_file(dir_ + "/whole/final/adapter_model.safetensors"),
            read_file(killed + "/final/adapter_model.safetensors"));
}

// Two "machines" (two launchers, one worker each) meeting over TCP at rank 0's address, as a
// multi-machine run does: the same curve as one process accumulating both micro-batches.
TEST_F(DataParallelTuneCli, TwoLaunchersMeetOverTcpLikeTwoMachines) {
  auto arguments = [&](const std::string& output) {
    return tune_arguments(output, 8, "prompt:length=4,dropout=0");
  };
  auto one = run_ofapt(arguments(dir_ + "/one") + " --update-freq 2");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const std::string port = std::to_string(testing::free_loopback_port());
  const std::string machines = " --nnodes 2 --master-addr 127.0.0.1 --master-port " + port + " --dist-timeout 60";
  // Each machine has its own output directory; only rank 0's gets the log and the prompts. Both
  // "machines" share this one's cores: one thread each, or their OpenMP pools spin against each other.
  ::setenv("OFAPT_THREADS", "1", 1);
  const pid_t second = start_ofapt_group(arguments(dir_ + "/node1") + machines + " --node-rank 1");
  auto first = run_ofapt(arguments(dir_ + "/node0") + machines + " --node-rank 0");
  ::unsetenv("OFAPT_THREADS");
  int status = 0;
  ::waitpid(second, &status, 0);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(losses_by_step(dir_ + "/node0/train_log.jsonl"), losses_by_step(dir_ + "/one/train_log.jsonl"));
  EXPECT_EQ(read_file(dir_ + "/one/final/adapter_model.safetensors"),
            read_file(dir_ + "/node0/final/adapter_model.safetensors"));
  EXPECT_FALSE(file_exists(dir_ + "/node1/train_log.jsonl"));
}

// A worker that dies takes the run down with a status, instead of leaving rank 0 waiting for it.
TEST_F(DataParallelTuneCli, AWorkerThatDiesStopsTheRun) {
  const std::string out = dir_ + "/dies";
  const pid_t launcher = start_ofapt_group(tune_arguments(out, 100000) + " --nproc 2 --dist-timeout 60");
  ASSERT_GT(launcher, 0);
  ASSERT_TRUE(wait_for_event(out + "/train_log.jsonl", "train")) << "the run never started";
  const pid_t rank1 = worker_pid(launcher, 1);
  ASSERT_GT(rank1, 0) << "no worker of rank 1 under the launcher";
  const auto killed_at = std::chrono::steady_clock::now();
  ::kill(rank1, SIGKILL);
  int status = 0;
  ::waitpid(launcher, &status, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, std::chrono::seconds(30));
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGKILL);  // the dead worker's status
  EXPECT_FALSE(log_has(out + "/train_log.jsonl", "end"));
}

// Rank 0's refusal (a checkpoint of another setup) reaches every worker, and the run ends with it.
TEST_F(DataParallelTuneCli, RankZerosRefusalStopsEveryWorker) {
  const std::string out = dir_ + "/refused";
  auto first = run_ofapt(tune_arguments(out, 2));
  ASSERT_EQ(first.exit_code, 0) << first.output;
  auto refused = run_ofapt(tune_arguments(out, 2) + " --nproc 2");
  EXPECT_EQ(refused.exit_code, 2) << refused.output;
  EXPECT_NE(refused.output.find("rank 0 could not start"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("holds a run with other settings"), std::string::npos) << refused.output;
}

TEST_F(TuneCli, TunedTaskAppliesToItsBaseAndIsRefusedElsewhere) {
  const std::string out = dir_ + "/apply";
  std::system(("rm -rf " + out).c_str());
  auto trained = run_ofapt(tune_arguments(out, 5));
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  const std::string image = dir_ + "/image.png";
  write_file_atomic(image, encode_png(make_synthetic_image(32, 1)));
  const std::string inputs = " --image " + image + " --source \" what color is it?\" --target \" red\"";
  auto plain = run_ofapt("score --model " + dir_ + "/model" + inputs);
  auto tuned = run_ofapt("score --model " + dir_ + "/model --tuned " + out + "/final" + inputs);
  ASSERT_EQ(plain.exit_code, 0) << plain.output;
  ASSERT_EQ(tuned.exit_code, 0) << tuned.output;
  EXPECT_NE(plain.output, tuned.output);

  auto other = run_ofapt("init --preset micro --seed 2 --out " + dir_ + "/other");
  ASSERT_EQ(other.exit_code, 0);
  auto refused = run_ofapt("score --model " + dir_ + "/other --tuned " + out + "/final" + inputs);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.output.find("other base weights"), std::string::npos) << refused.output;
}

TEST(InfoCli, ReportsWhatAMethodTrains) {
  auto info = run_ofapt("info --preset tiny --method prompt:length=10");
  ASSERT_EQ(info.exit_code, 0) << info.output;
  const auto method = nlohmann::json::parse(info.output)["method"];
  EXPECT_EQ(method["trainable_parameters"].get<int64_t>(), 2 * 10 * (4 + 4) * 256);  // 2·P·(Le+Ld)·d
  EXPECT_EQ(method["tuned_file_values"], method["trainable_parameters"]);
}

TEST_F(TuneCli, BrokenInputsFailWithClearMessages) {
  write_file_atomic(dir_ + "/bad.tsv", "1\t\tq\n");
  auto bad_row = run_ofapt("tune --model " + dir_ + "/model --train " + dir_ + "/bad.tsv --output " + dir_ +
                           "/bad --quiet --steps 1");
  EXPECT_EQ(bad_row.exit_code, 1);
  EXPECT_NE(bad_row.output.find("bad.tsv:1"), std::string::npos) << bad_row.output;
  auto bad_spec = run_ofapt("tune --model " + dir_ + "/model --train " + dir_ + "/task.tsv --output " + dir_ +
                            "/bad2 --quiet --steps 1 --method prompt:length=abc");
  EXPECT_NE(bad_spec.exit_code, 0);
  EXPECT_NE(bad_spec.output.find("length"), std::string::npos) << bad_spec.output;
}

}  // namespace
}  // namespace ofapt
