// The audit must catch a worker that acknowledges a completion before committing it: a bug
// planted through the test seam (RunOptions::seams, unreachable from the CLI or a config),
// exposed by worker crashes between the acknowledgement and the group commit. The same run
// without the bug passes the audit, so it is the bug that fails it, not the crashes.
#include <gtest/gtest.h>
#include <unistd.h>

#include "stress/runner.hpp"

namespace {

stress::RunResult run(bool planted_bug) {
  // In-process workers (threads) offered twice their capacity (two model calls of 4 ms a task:
  // 250 tasks/s for both, 500/s offered), so every batch is full and a crash, which lands
  // before a worker's next task, finds the earlier tasks of its batch acknowledged and not
  // committed (seven times in eight); three crashes of both workers, 1 s apart; short leases,
  // so the tasks a crash abandoned are redone within the run. Under capacity a batch holds one
  // task and the planted bug has no window to show in (CI saw exactly that).
  const auto c = stress::parse_config(nlohmann::json::parse(R"({"name": "ack_audit",
    "model_latency": "fixed:4ms",
    "load": {"model": "open", "stages": [{"rate": 500, "duration_s": 4}]},
    "store": {"workers": 2, "batch": 8, "lease_ms": 300},
    "faults": {"baseline_s": 1, "min_baseline_s": 2, "settle_s": 1, "spacing_s": 0,
               "events": [
                 {"type": "sigkill", "count": 2, "duration_s": 0, "min_duration_s": 0},
                 {"type": "sigkill", "count": 2, "duration_s": 0, "min_duration_s": 0},
                 {"type": "sigkill", "count": 2, "duration_s": 0, "min_duration_s": 0}]}})"),
                                      "inline.json");
  stress::RunOptions o;
  o.out_dir = std::filesystem::temp_directory_path() /
              ("stress_ack_audit_test_" + std::to_string(::getpid()));
  stress::TestSeams seams;
  seams.ack_before_commit = planted_bug;
  o.seams = &seams;
  return stress::run_scenario(c, o);
}

TEST(StressAckAudit, CrashedWorkersLoseNothingWhenTheyAcknowledgeAfterTheCommit) {
  const auto r = run(false);
  EXPECT_GE(r.json.value("worker_crashes", 0), 3) << "the crashes did not happen";
  EXPECT_EQ(r.json["audit"]["lost"], 0) << r.json["audit"].dump();
  EXPECT_TRUE(r.json["audit"]["pass"].get<bool>());
}

TEST(StressAckAudit, AcknowledgingBeforeTheCommitFailsTheAudit) {
  const auto r = run(true);
  EXPECT_GE(r.json.value("worker_crashes", 0), 3) << "the crashes did not happen";
  EXPECT_GT(r.json["audit"]["lost"].get<int>(), 0) << r.json["audit"].dump();
  EXPECT_GT(r.json["audit"]["acknowledged_not_kept"].get<int>(), 0);
  EXPECT_FALSE(r.json["audit"]["pass"].get<bool>());
  EXPECT_FALSE(r.pass);
}

}  // namespace
