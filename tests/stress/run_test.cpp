// End to end in-process: small scenarios through the real store and bus, audited.
#include <gtest/gtest.h>
#include <unistd.h>

#include "stress/runner.hpp"

namespace {

stress::RunOptions options() {
  stress::RunOptions o;
  o.out_dir =
      std::filesystem::temp_directory_path() / ("stress_run_test_" + std::to_string(::getpid()));
  return o;
}

stress::ScenarioConfig config(const char* text) {
  return stress::parse_config(nlohmann::json::parse(text), "inline.json");
}

TEST(StressRun, ClosedModelOnSqliteLosesNothing) {
  const auto c = config(R"({"name": "closed", "model_latency": "fixed:1ms",
    "load": {"model": "closed", "agents": 4, "tasks": 40, "duration_s": 0.5},
    "store": {"workers": 2, "batch": 8},
    "thresholds": {"p99_ms": 5000, "error_rate": 0.001, "lost": 0}})");
  const auto r = stress::run_scenario(c, options());
  EXPECT_TRUE(r.pass) << r.json["verdicts"].dump();
  EXPECT_EQ(r.json["audit"]["ok"], 40);
  EXPECT_EQ(r.json["audit"]["lost"], 0);
  EXPECT_EQ(r.json["store_ledger"]["effects"], 40);
  EXPECT_GT(r.json["resources"]["samples"].get<int>(), 0);
  EXPECT_TRUE(r.json["series"].contains("throughput_per_s"));
  EXPECT_TRUE(r.json["percentiles"]["latency_uncorrected"].contains("p99_ms"));
}

TEST(StressRun, OpenModelWithRestartRecoversOnceDrained) {
  const auto c = config(R"({"name": "restart", "model_latency": "fixed:1ms",
    "load": {"model": "open", "stages": [{"rate": 100, "duration_s": 0.6}]},
    "store": {"workers": 2, "restart_at_s": 0.3},
    "thresholds": {"lost": 0, "recovery_s": 60}})");
  const auto r = stress::run_scenario(c, options());
  EXPECT_TRUE(r.pass) << r.json["verdicts"].dump();
  EXPECT_EQ(r.json["audit"]["invoked"], 60);
  EXPECT_EQ(r.json["audit"]["lost"], 0);
  ASSERT_TRUE(r.json.contains("recovery"));
  // However slow the host (a stalled fsync), the drained backlog ends the series at its level.
  EXPECT_FALSE(r.json["recovery"]["recovery_s"].is_null());
}

TEST(StressRun, BusFloodDeliversEveryMessageToEverySubscriber) {
  const auto c = config(R"({"name": "bus", "workload": "bus_flood",
    "load": {"model": "open", "stages": [{"rate": 2000, "duration_s": 0.2}]},
    "bus": {"subscribers": 3}, "thresholds": {"lost": 0}})");
  const auto r = stress::run_scenario(c, options());
  EXPECT_TRUE(r.pass) << r.json["verdicts"].dump();
  EXPECT_EQ(r.json["audit"]["invoked"], 1200);
  EXPECT_EQ(r.json["audit"]["ok"], 1200);
  EXPECT_EQ(r.json["bus"]["delivered"], 1200);
}

TEST(StressRun, ImpossibleThresholdFails) {
  const auto c = config(R"({"name": "impossible", "model_latency": "fixed:1ms",
    "load": {"model": "backlog", "tasks": 20, "duration_s": 0.2},
    "thresholds": {"p99_ms": 0.000001}})");
  const auto r = stress::run_scenario(c, options());
  EXPECT_FALSE(r.pass);
  EXPECT_EQ(r.json["audit"]["lost"], 0);
}

TEST(StressRun, PostgresWithoutAUrlFailsWithAClearError) {
  const auto c = config(R"({"name": "pg", "load": {"model": "backlog", "tasks": 5},
    "store": {"backend": "postgresql"}})");
  const auto r = stress::run_scenario(c, options());
  EXPECT_FALSE(r.pass);
  ASSERT_TRUE(r.json.contains("errors"));
  EXPECT_NE(r.json["errors"][0].get<std::string>().find("needs PostgreSQL"), std::string::npos);
}

}  // namespace
