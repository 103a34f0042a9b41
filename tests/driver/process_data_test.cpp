#include "driver/process_data.hpp"

#include <gtest/gtest.h>

#include "driver/driver_error.hpp"

namespace legion::driver {
namespace {

TEST(ProcessData, RowNamesDropGoogleBenchmarksSuffixes) {
  EXPECT_EQ(row_name("simple_task/cold_start/iterations:1/repeats:1/manual_time"),
            "simple_task/cold_start");
  EXPECT_EQ(row_name("simple_task/hot/real_time"), "simple_task/hot");
  EXPECT_EQ(row_name("concurrent_execution/agents=64/concurrency/real_time"),
            "concurrent_execution/agents=64/concurrency");
  EXPECT_EQ(row_name("simple_task/hot"), "simple_task/hot");
}

TEST(ProcessData, ReadsMeansCostsFailuresAndTheContext) {
  const char* text = R"({
    "context": {"framework": "crewai", "git_commit": "abc", "calibration_cpp_ns": 118600.0,
                "machine": {"id": "00112233aabbccdd"}},
    "benchmarks": [
      {"name": "simple_task/hot/real_time", "run_type": "iteration", "iterations": 100,
       "real_time": 20.0, "time_unit": "us"},
      {"name": "simple_task/hot/real_time", "run_type": "iteration", "iterations": 100,
       "real_time": 30.0, "time_unit": "us"},
      {"name": "simple_task/hot/real_time_mean", "run_type": "aggregate", "iterations": 2,
       "real_time": 25.0, "time_unit": "us"},
      {"name": "consensus/hot/real_time", "run_type": "iteration", "error_occurred": true,
       "error_message": "unsupported: no voting", "iterations": 0, "real_time": 0,
       "time_unit": "us"},
      {"name": "simple_task/cold_start/iterations:1/repeats:1/manual_time", "run_type": "iteration",
       "iterations": 1, "real_time": 3.7, "time_unit": "s", "first_prepare_ns": 2e7,
       "first_run_ns": 3e7},
      {"name": "hierarchical/hot/real_time", "run_type": "iteration", "error_occurred": true,
       "error_message": "wrong answer: 'x'", "iterations": 0, "real_time": 0, "time_unit": "us"}
    ]})";
  const ProcessData d = parse_process_data(text, "crewai.1.json");
  EXPECT_EQ(d.framework, "crewai");
  EXPECT_EQ(d.machine_id, "00112233aabbccdd");
  EXPECT_DOUBLE_EQ(*d.calibration_cpp_ns, 118600.0);
  EXPECT_EQ(d.git_commit, "abc");
  ASSERT_EQ(d.rows.size(), 4u);
  // The cold start: 3.7 s, of which its row adds the first prepare and run (the start is the
  // process's).
  EXPECT_DOUBLE_EQ(d.rows.at("simple_task/cold_start").mean_ns, 3.7e9);
  EXPECT_NEAR(d.rows.at("simple_task/cold_start").seconds, 0.05, 1e-12);
  const RowSample& hot = d.rows.at("simple_task/hot");
  EXPECT_DOUBLE_EQ(hot.mean_ns, 25'000.0);  // the aggregate is not a repetition
  EXPECT_EQ(hot.repetitions, 2u);
  // 100 x 20 us + 100 x 30 us timed, plus one iteration for validation / sizing.
  EXPECT_NEAR(hot.seconds, 0.002 + 0.003 + 20e-6, 1e-12);
  EXPECT_TRUE(d.rows.at("consensus/hot").unsupported);
  EXPECT_TRUE(d.rows.at("hierarchical/hot").failed);
  EXPECT_FALSE(d.rows.at("hierarchical/hot").unsupported);
}

TEST(ProcessData, MalformedOrForeignFilesAreOneLineErrors) {
  EXPECT_THROW(parse_process_data("{not json", "a.json"), DriverError);
  EXPECT_THROW(parse_process_data(R"({"context": {}, "benchmarks": []})", "b.json"), DriverError);
  try {
    parse_process_data("[]", "c.json");
    FAIL();
  } catch (const DriverError& e) {
    EXPECT_NE(std::string(e.what()).find("c.json"), std::string::npos);
  }
  EXPECT_THROW(read_process_data("/nonexistent/x.json"), DriverError);
}

}  // namespace
}  // namespace legion::driver
