// The `legion` store commands end to end against a SQLite file: submit, worker, status,
// verify, export, and the usage errors (one line, exit 2).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "store/backends.hpp"
#include "store/cli_in_process.hpp"

namespace legion::cli {
namespace {

using Outcome = testing::CliOutcome;
using testing::legion;

class LegionCli : public ::testing::Test {
 protected:
  store::testing::SqliteBackend backend_;
  std::string url_ = backend_.url();
};

TEST_F(LegionCli, SubmitWorkerVerifyRoundTrip) {
  auto submitted = legion({"submit", "--store", url_, "--count", "40", "--prefix", "job-"});
  ASSERT_EQ(submitted.code, 0) << submitted.err;
  EXPECT_EQ(submitted.out, "submitted 40 tasks: 40 new, 0 already known\n");
  EXPECT_EQ(legion({"submit", "--store", url_, "--count", "40", "--prefix", "job-"}).out,
            "submitted 40 tasks: 0 new, 40 already known\n");

  auto pending = legion({"verify", "--store", url_});
  EXPECT_EQ(pending.code, 1) << "unfinished tasks count as lost unless --allow-pending";
  EXPECT_EQ(legion({"verify", "--store", url_, "--allow-pending"}).code, 0);

  auto worker = legion({"worker", "--store", url_, "--test-handler", "--concurrency", "2",
                        "--batch", "8", "--drain", "--id", "w"});
  ASSERT_EQ(worker.code, 0) << worker.err;
  EXPECT_NE(worker.out.find("completed 40"), std::string::npos) << worker.out;

  auto verified = legion({"verify", "--store", url_});
  ASSERT_EQ(verified.code, 0) << verified.out << verified.err;
  auto ledger = nlohmann::json::parse(verified.out);
  EXPECT_EQ(ledger["accepted"], 40);
  EXPECT_EQ(ledger["effects"], 40);
  EXPECT_EQ(ledger["lost"], 0);
  EXPECT_EQ(ledger["unexpected"], 0);
  EXPECT_EQ(ledger["duplicated"], 0);

  auto status = nlohmann::json::parse(legion({"status", "--store", url_, "--json"}).out);
  EXPECT_EQ(status["done"], 40);
  EXPECT_EQ(legion({"status", "--store", url_}).out,
            "queued 0  leased 0  done 40  failed 0  dead 0  cancelled 0  total 40\n");

  auto exported = nlohmann::json::parse(legion({"export", "--store", url_}).out);
  ASSERT_EQ(exported["tasks"].size(), 40u);
  EXPECT_EQ(exported["tasks"][0]["key"], "job-0");
  EXPECT_EQ(exported["tasks"][0]["state"], "done");
  EXPECT_EQ(exported["tasks"][0]["result"]["ok"], true);
}

TEST_F(LegionCli, WorkerRetriesFailingTasksAndDeadLettersHopelessOnes) {
  std::string file = backend_.dir() + "/tasks.jsonl";
  std::ofstream(file) << R"({"key": "flaky", "payload": {"fail_times": 1}})"
                         "\n"
                      << R"({"key": "hopeless", "payload": {"fail_times": 99}, "max_attempts": 2})"
                      << "\n\n";
  ASSERT_EQ(legion({"submit", "--store", url_, "--file", file}).code, 0);
  auto worker = legion({"worker", "--store", url_, "--test-handler", "--drain", "--id", "w"});
  ASSERT_EQ(worker.code, 0) << worker.err;
  auto status = nlohmann::json::parse(legion({"status", "--store", url_, "--json"}).out);
  EXPECT_EQ(status["done"], 1);
  EXPECT_EQ(status["dead"], 1);
  EXPECT_EQ(legion({"verify", "--store", url_}).code, 0) << "a dead letter is not lost";
}

TEST_F(LegionCli, UsageErrorsAreOneLineNamingTheCulpritWithExit2) {
  auto expect_usage_error = [](const Outcome& o, const std::string& culprit) {
    EXPECT_EQ(o.code, 2);
    EXPECT_NE(o.err.find(culprit), std::string::npos) << o.err;
    EXPECT_EQ(std::count(o.err.begin(), o.err.end(), '\n'), 1) << o.err;
  };
  expect_usage_error(legion({"status", "--store", url_, "--bogus"}), "--bogus");
  expect_usage_error(legion({"frobnicate"}), "frobnicate");
  expect_usage_error(legion({"worker", "--concurrency", "0"}), "--concurrency");
  expect_usage_error(legion({"status", "--store", "mysql://x"}), "'mysql'");
  expect_usage_error(legion({"submit", "--store", url_, "--count", "1", "--payload", "{"}),
                     "--payload");

  std::string file = backend_.dir() + "/bad.jsonl";
  std::ofstream(file) << R"({"key": "a"})"
                         "\n"
                      << R"({"key": "b", "colour": 1})"
                         "\n";
  expect_usage_error(legion({"submit", "--store", url_, "--file", file}), "bad.jsonl:2");
  EXPECT_FALSE(std::filesystem::exists(backend_.dir() + "/store.db"))
      << "a malformed file submits nothing: the store is not even opened";
}

TEST_F(LegionCli, WithoutTheWorkflowRuntimeWorkflowsAreRefusedNotFaked) {
  // This library alone has no runtime: a worker needs --test-handler, a workflow submit fails.
  auto worker = legion({"worker", "--store", url_, "--drain"});
  EXPECT_EQ(worker.code, 2);
  EXPECT_NE(worker.err.find("no workflow runtime; pass --test-handler"), std::string::npos)
      << worker.err;
  std::string inputs = backend_.dir() + "/in.jsonl";
  std::ofstream(inputs) << R"({"key": "a", "input": "x"})"
                        << "\n";
  std::string spec = backend_.dir() + "/spec.json";
  std::ofstream(spec) << "{}";
  auto submit = legion({"submit", "--store", url_, "--workflow", spec, "--inputs", inputs});
  EXPECT_EQ(submit.code, 2);
  EXPECT_NE(submit.err.find("no workflow runtime"), std::string::npos) << submit.err;
}

TEST_F(LegionCli, HelpDocumentsEveryCommand) {
  auto top = legion({"--help"});
  EXPECT_EQ(top.code, 0);
  for (const char* command : {"worker", "submit", "status", "verify", "export", "tasks"}) {
    EXPECT_NE(top.out.find(command), std::string::npos) << command;
    EXPECT_EQ(legion({command, "--help"}).code, 0) << command;
  }
  EXPECT_NE(legion({"worker", "--help"}).out.find("--concurrency"), std::string::npos);
}

}  // namespace
}  // namespace legion::cli
