// The `legion` store commands when the disk fills up (a fault VFS, tests/store/fault_vfs.hpp):
// `submit` says how many tasks were committed before the failing batch, and `worker --drain`
// says what it waits out and gives up instead of waiting for ever in silence.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "legion/store/task_store.hpp"
#include "store/backends.hpp"
#include "store/cli_in_process.hpp"
#include "store/fault_vfs.hpp"
#include "support/child_process.hpp"

namespace legion::cli {
namespace {

namespace fault_vfs = store::testing::fault_vfs;

using Outcome = testing::CliOutcome;
using testing::legion;

// The same in a child process, given `timeout` to finish: a command that waits for ever
// fails the test instead of hanging it.
Outcome legion_within(std::vector<std::string> args, std::chrono::seconds timeout) {
  const auto child = legion_test::run_in_child(
      [&] {
        const Outcome o = legion(args);
        return std::to_string(o.code) + "\n" + o.err;
      },
      timeout);
  const auto newline = child.text.find('\n');
  if (!child.finished || newline == std::string::npos) {
    return {-1, "",
            child.finished ? "the child reported nothing" : "still running after the timeout"};
  }
  return {std::stoi(child.text.substr(0, newline)), "", child.text.substr(newline + 1)};
}

class LegionCliOutage : public ::testing::Test {
 protected:
  void SetUp() override {
    fault_vfs::install();
    fault_vfs::disarm();
    store::open_store(url_);  // the schema, before any fault
  }
  void TearDown() override { fault_vfs::disarm(); }
  store::testing::SqliteBackend backend_;
  std::string url_ = backend_.url() + "?vfs=" + fault_vfs::kName;
};

TEST_F(LegionCliOutage, SubmitOnAFullDiskSaysHowManyTasksWereCommitted) {
  // The disk fills somewhere after the first batch of 1000 (one transaction each).
  Outcome o;
  // "submit: N of 5000 tasks were committed": N, or -1 when the line is not there. No
  // std::regex: GCC 12 warns inside <regex> under the sanitizer flags (-Werror).
  const auto committed = [](const std::string& err) {
    const std::string head = "submit: ", tail = " of 5000 tasks were committed";
    const auto at = err.find(head), end = err.find(tail);
    if (at == std::string::npos || end == std::string::npos || end <= at + head.size()) return -1;
    const std::string digits = err.substr(at + head.size(), end - at - head.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::stoi(digits);
  };
  int count = -1;
  for (int writes = 20; writes < 5000; writes *= 2) {
    fault_vfs::disarm();
    ASSERT_EQ(std::remove((backend_.dir() + "/store.db").c_str()), 0);
    for (const char* suffix : {"-wal", "-shm"}) {
      std::remove((backend_.dir() + "/store.db" + suffix).c_str());
    }
    store::open_store(url_);
    fault_vfs::arm(writes);
    o = legion({"submit", "--store", url_, "--count", "5000"});
    if ((count = committed(o.err)) >= 0) break;
  }
  fault_vfs::disarm();
  ASSERT_GE(count, 0) << "no run committed part of the tasks: " << o.err;
  EXPECT_EQ(o.code, 1);
  EXPECT_NE(o.err.find("disk full"), std::string::npos) << o.err;
  EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  const auto total = nlohmann::json::parse(legion({"status", "--store", url_, "--json"}).out);
  EXPECT_EQ(total["total"], count) << "the message must say what is in the store";
  EXPECT_GT(total["total"].get<int>(), 0);
}

TEST_F(LegionCliOutage, DrainingWorkerSaysWhatItWaitsOutAndGivesUp) {
  ASSERT_EQ(legion({"submit", "--store", url_, "--count", "5"}).code, 0);
  fault_vfs::arm(0);  // every write fails from now on
  const Outcome o = legion_within(
      {"worker", "--store", url_, "--test-handler", "--drain", "--id", "w", "--give-up-ms", "300"},
      std::chrono::seconds(20));
  ASSERT_NE(o.code, -1) << o.err;
  EXPECT_EQ(o.code, 1) << o.err;
  // The worker's JSON log names the outage (event store_error) before it gives up.
  EXPECT_NE(o.err.find(R"("event":"store_error","worker":"w","error":"disk full)"),
            std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("legion: error: gave up after "), std::string::npos) << o.err;
}

}  // namespace
}  // namespace legion::cli
