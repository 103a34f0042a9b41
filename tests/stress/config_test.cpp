// Scenario configs: strict parsing (errors name file and field) and the time-scaling rules.
#include "stress/config.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "legion/error.hpp"

namespace {

using nlohmann::json;

json minimal() {
  return json::parse(R"({
    "name": "t",
    "load": {"model": "closed", "agents": 10, "ramp_s": 30, "tasks": 1000, "duration_s": 300},
    "store": {"restart_at_s": 100},
    "thresholds": {"p99_ms": 250, "error_rate": 0.001, "lost": 0, "recovery_s": 30}
  })");
}

std::string error_of(const json& document) {
  try {
    stress::parse_config(document, "dir/x.json");
  } catch (const legion::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(StressConfig, ParsesTheFullScaleFigures) {
  const auto c = stress::parse_config(minimal(), "x.json");
  EXPECT_EQ(c.name, "t");
  EXPECT_EQ(c.model, stress::LoadModel::kClosed);
  EXPECT_EQ(c.agents, 10);
  EXPECT_EQ(c.tasks, 1000);
  EXPECT_DOUBLE_EQ(c.duration_s, 300);
  ASSERT_TRUE(c.thresholds.p99_ms);
  EXPECT_DOUBLE_EQ(*c.thresholds.p99_ms, 250);
}

TEST(StressConfig, TheLossThresholdCannotBeRaised) {
  auto d = minimal();
  d["thresholds"]["lost"] = 3;
  EXPECT_EQ(error_of(d), "dir/x.json: field 'thresholds.lost': must be in [0, 0]");
}

nlohmann::json failure_config() {
  return nlohmann::json::parse(R"({"name": "f", "model_latency": "fixed:1ms",
    "load": {"model": "open", "stages": [{"rate": 100, "duration_s": 600}]},
    "store": {"worker_mode": "processes", "workers": 3, "backend": "postgresql"},
    "faults": {"baseline_s": 60, "spacing_s": 120, "jitter_s": 20,
               "events": [{"type": "sigkill", "count": 2, "duration_s": 0, "min_duration_s": 0},
                          {"type": "partition", "duration_s": 30}]}})");
}

TEST(StressConfig, FaultsAreReadScaledAndDrawnFromTheSeed) {
  const auto c = stress::parse_config(failure_config(), "x.json");
  ASSERT_EQ(c.faults.events.size(), 2u);
  EXPECT_EQ(c.faults.events[0].type, "sigkill");
  EXPECT_EQ(c.faults.events[0].count, 2);
  const auto s = stress::scaled(c, 0.05);
  EXPECT_DOUBLE_EQ(s.faults.baseline_s, 5);            // 3 s, floored at min_baseline_s
  EXPECT_DOUBLE_EQ(s.faults.spacing_s, 8);             // 6 s, floored at settle_s
  EXPECT_DOUBLE_EQ(s.faults.events[0].duration_s, 0);  // an instant fault stays instant
  EXPECT_DOUBLE_EQ(s.faults.events[1].duration_s, 1.5);
  // The load outlasts the schedule: last heal + settle_s, with the largest jitter.
  EXPECT_GE(stress::planned_duration_s(s), stress::faults_span_s(s.faults));

  const auto a = stress::draw_schedule(s.faults, s.workers, 11);
  const auto b = stress::draw_schedule(s.faults, s.workers, 11);
  const auto other = stress::draw_schedule(s.faults, s.workers, 12);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].targets.size(), 2u);
  EXPECT_NE(a[0].targets[0], a[0].targets[1]);
  for (std::size_t i = 0; i < a.size(); ++i) {  // replayable
    EXPECT_DOUBLE_EQ(a[i].inject_s, b[i].inject_s);
    EXPECT_EQ(a[i].targets, b[i].targets);
    EXPECT_EQ(a[i].seed, b[i].seed);
  }
  EXPECT_TRUE(a[0].inject_s != other[0].inject_s || a[0].targets != other[0].targets);
  EXPECT_GE(a[0].inject_s, 5);
  EXPECT_LE(a[0].inject_s, 6);  // baseline + jitter (20 x 0.05)
  EXPECT_GE(a[1].inject_s, a[0].heal_s + 8);
}

TEST(StressConfig, FaultErrorsNameTheField) {
  auto d = failure_config();
  d["faults"]["events"][0]["type"] = "meteor";
  EXPECT_NE(error_of(d).find("field 'faults.events[0].type': unknown fault 'meteor'"),
            std::string::npos);
  d = failure_config();
  d["faults"]["events"][0]["hang_ms"] = 5;
  EXPECT_EQ(error_of(d),
            "dir/x.json: field 'faults.events[0].hang_ms': not a parameter of fault 'sigkill'");
  d = failure_config();
  d["store"]["worker_mode"] = "threads";
  EXPECT_EQ(error_of(d),
            "dir/x.json: field 'faults.events[1].type': fault 'partition' needs worker_mode "
            "'processes'");
  d = failure_config();
  d["faults"]["events"][0]["count"] = 4;
  EXPECT_EQ(error_of(d),
            "dir/x.json: field 'faults.events[0].type': fault 'sigkill' needs count <= "
            "store.workers");
  d = failure_config();
  d["load"] = {{"model", "backlog"}, {"tasks", 10}};
  EXPECT_NE(error_of(d).find("field 'load.model': a failure scenario needs model 'open'"),
            std::string::npos);
}

TEST(StressConfig, ErrorsNameTheFileAndTheField) {
  auto d = minimal();
  d["load"]["agents"] = "ten";
  EXPECT_EQ(error_of(d), "dir/x.json: field 'load.agents': must be a number");
  d = minimal();
  d["load"]["tasks"] = 0;
  EXPECT_EQ(error_of(d), "dir/x.json: field 'load.tasks': must be in [1, 1e+10]");
  d = minimal();
  d["thresholds"]["p99"] = 1;
  EXPECT_EQ(error_of(d), "dir/x.json: field 'thresholds.p99': unknown field");
  d = minimal();
  d.erase("name");
  EXPECT_EQ(error_of(d), "dir/x.json: field 'name': missing");
  d = minimal();
  d["load"]["model"] = "sideways";
  EXPECT_NE(error_of(d).find("field 'load.model': unknown value 'sideways'"), std::string::npos);
  d = minimal();
  d["model_latency"] = "fast";
  EXPECT_NE(error_of(d).find("dir/x.json: field 'model_latency'"), std::string::npos);
  d = minimal();
  d["load"] = {{"model", "open"}, {"stages", {{{"rate", 5}}}}};
  EXPECT_EQ(error_of(d), "dir/x.json: field 'load.stages[0].duration_s': missing");
}

TEST(StressConfig, MalformedJsonNamesTheFile) {
  const auto path = std::filesystem::temp_directory_path() / "stress_config_test_bad.json";
  { std::ofstream(path) << "{\"name\": "; }
  try {
    stress::load_config(path);
    FAIL() << "no error";
  } catch (const legion::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path.string() + ": not valid JSON: parse error", 0), 0u)
        << e.what();
  }
  std::filesystem::remove(path);
}

TEST(StressConfig, ScalingShrinksDurationsAndCountsAlike) {
  const auto c = stress::parse_config(minimal(), "x.json");
  const auto s = stress::scaled(c, 0.1);
  EXPECT_DOUBLE_EQ(s.duration_s, 30);
  EXPECT_DOUBLE_EQ(s.ramp_s, 3);
  EXPECT_EQ(s.tasks, 100);
  EXPECT_EQ(s.agents, 10);  // concurrency is the load: never scaled
  EXPECT_DOUBLE_EQ(*s.restart_at_s, 10);
  EXPECT_DOUBLE_EQ(*s.thresholds.recovery_s, 3);
  EXPECT_DOUBLE_EQ(*s.thresholds.p99_ms, 250);  // a latency limit is not scenario time
  EXPECT_DOUBLE_EQ(s.time_factor, 0.1);
}

TEST(StressConfig, ScalingFloorsKeepTheShape) {
  const auto c = stress::parse_config(minimal(), "x.json");
  const auto s = stress::scaled(c, 0.0001);  // 0.03 s: floored at 1 s
  EXPECT_DOUBLE_EQ(s.duration_s, 1.0);
  EXPECT_NEAR(s.ramp_s, 0.1, 1e-12);  // the same share of the run as before
  EXPECT_NEAR(*s.restart_at_s, 1.0 / 3.0, 1e-12);
  EXPECT_EQ(s.tasks, 20);  // min_tasks
  auto many = c;
  many.agents = 100;
  EXPECT_EQ(stress::scaled(many, 0.0001).tasks, 100);  // one task per agent at least
  EXPECT_DOUBLE_EQ(*s.thresholds.recovery_s, 1.0);
}

TEST(StressConfig, OpenModelStagesScaleButRatesDoNot) {
  auto d = minimal();
  d["load"] = {{"model", "open"},
               {"stages",
                {{{"rate", 100}, {"duration_s", 60}, {"ramp_s", 10}},
                 {{"rate", 1000}, {"duration_s", 40}}}}};
  d["store"].erase("restart_at_s");
  const auto s = stress::scaled(stress::parse_config(d, "x.json"), 0.1);
  ASSERT_EQ(s.stages.size(), 2u);
  EXPECT_DOUBLE_EQ(s.stages[0].rate, 100);
  EXPECT_DOUBLE_EQ(s.stages[0].duration_s, 6);
  EXPECT_DOUBLE_EQ(s.stages[0].ramp_s, 1);
  EXPECT_DOUBLE_EQ(s.stages[1].duration_s, 4);
  EXPECT_DOUBLE_EQ(stress::planned_duration_s(s), 10);
}

TEST(StressConfig, ScaleOutsideTheRangeIsRejected) {
  const auto c = stress::parse_config(minimal(), "x.json");
  EXPECT_THROW(stress::scaled(c, 0.0), legion::ConfigError);
  EXPECT_THROW(stress::scaled(c, 2.0), legion::ConfigError);
}

TEST(StressConfig, EveryShippedScenarioParses) {
  for (const char* folder : {"load_tests", "spike_tests", "endurance_tests", "scalability_tests"}) {
    const auto files =
        stress::scenario_files({std::string(LEGION_SOURCE_DIR) + "/tests/" + folder});
    EXPECT_FALSE(files.empty()) << folder;
    for (const auto& f : files) EXPECT_NO_THROW(stress::load_config(f)) << f;
  }
}

TEST(StressConfig, UnknownPathIsAConfigError) {
  EXPECT_THROW(stress::scenario_files({"/no/such/scenario.json"}), legion::ConfigError);
}

}  // namespace
