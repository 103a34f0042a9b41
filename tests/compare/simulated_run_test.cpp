// legion-compare on simulated runs whose truth is known (seeded): the A/A gate passes an
// undisturbed run and names the processes of a disturbed one, the machine fingerprint warns
// when processes come from different machines, CPU time and per-iteration spread are carried
// per side, and on every row of every simulated comparison the verdict agrees with its
// interval.

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

#include "compare/comparison.hpp"
#include "compare/report.hpp"
#include "support/verdict_invariant.hpp"

namespace {

using legion::compare::BenchmarkRun;
using legion::compare::Comparison;
using legion::compare::ProcessRun;

struct Truth {
  std::string benchmark;
  double ns = 0.0;  // the baseline's true mean
  double ratio = 1.0;
};

// One process: each benchmark's 5 repetitions around truth x process effect x `slowdown`.
ProcessRun process(std::mt19937_64& rng, const std::string& framework, int k,
                   const std::vector<Truth>& truth, bool baseline, double process_sigma,
                   double slowdown = 1.0, const std::string& machine = "") {
  std::normal_distribution<double> z;
  ProcessRun p;
  p.framework = framework;
  p.source = framework + "." + std::to_string(k) + ".json";
  p.context = {{"framework", framework}, {"seed", "42"}};
  if (!machine.empty()) p.context["machine"] = {{"id", machine}};
  const double effect = std::exp(process_sigma * z(rng)) * slowdown;
  for (const auto& t : truth) {
    BenchmarkRun b;
    b.name = t.benchmark;
    const double mean = t.ns * (baseline ? 1.0 : t.ratio) * effect;
    for (int r = 0; r < 5; ++r) {
      const double v = mean * std::exp(0.02 * z(rng));
      b.times_ns.push_back(v);
      b.counters["cpu_ns"].push_back(v * 1.5);  // 1.5 CPU-seconds per second: two threads busy
      b.counters["iter_p50_ns"].push_back(v * 0.9);
      b.counters["iter_p95_ns"].push_back(v * 2.0);
    }
    p.benchmarks.push_back(std::move(b));
  }
  return p;
}

std::vector<Truth> scenario_rows() {
  return {{"simple_task/hot/real_time", 100e3, 300.0},
          {"consensus/hot/real_time", 500e3, 1.3},
          {"tool_overhead/calls=1/hot/real_time", 80e3, 1.0},
          {"tool_overhead/calls=10/hot/real_time", 300e3, 1.05},
          {"simple_task/construction/real_time", 20e3, 50.0},
          {"harness/empty_adapter/hot/real_time", 12.5, 1.0}};
}

// `processes` processes each of legion and of `other` (truth as in scenario_rows), process
// noise `sigma` on both sides.
std::vector<ProcessRun> two_frameworks(std::uint64_t seed, int processes, double sigma) {
  std::mt19937_64 rng(seed);
  const auto truth = scenario_rows();
  std::vector<ProcessRun> runs;
  for (int k = 1; k <= processes; ++k) {
    runs.push_back(process(rng, "legion", k, truth, true, sigma));
    runs.push_back(process(rng, "other", k, truth, false, sigma));
  }
  return runs;
}

// Every row keeps the invariant (on the JSON a reader sees).
void expect_invariant(const Comparison& c) {
  const auto json = legion::compare::to_json(c);
  for (const auto& row : json["comparisons"]) {
    if (row["stats"].is_null()) continue;
    const std::string wrong = legion_test::verdict_disagreement(row["stats"]);
    EXPECT_TRUE(wrong.empty()) << row["benchmark"] << " " << row["framework"] << ": " << wrong;
  }
}

TEST(SimulatedRun, EveryVerdictAgreesWithItsIntervalAndKnownEffectsAreFound) {
  std::mt19937_64 rng(2026);
  const auto truth = scenario_rows();
  int found_300x = 0;
  constexpr int kRuns = 50;
  for (int run = 0; run < kRuns; ++run) {
    std::vector<ProcessRun> runs;
    for (int k = 1; k <= 5; ++k) {
      runs.push_back(process(rng, "legion", k, truth, true, 0.03));
      runs.push_back(process(rng, "other", k, truth, false, 0.05));
    }
    const auto c = legion::compare::compare_frameworks(runs, {});
    expect_invariant(c);
    for (const auto& r : c.rows) {
      ASSERT_TRUE(r.stats.has_value());
      // A 300x effect is never called anything but slower (with 5 processes it is found).
      if (r.benchmark == "simple_task/hot/real_time") {
        EXPECT_TRUE(r.stats->verdict == "slower" || r.stats->verdict == "inconclusive");
        found_300x += r.stats->verdict == "slower";
      }
      // A true 1.0 is never slower or faster in these runs (5 families of 50 at 95%).
      if (r.benchmark == "tool_overhead/calls=1/hot/real_time") {
        EXPECT_NE(r.stats->verdict, "slower");
        EXPECT_NE(r.stats->verdict, "faster");
      }
    }
  }
  EXPECT_EQ(found_300x, kRuns);
}

TEST(SimulatedRun, AnUndisturbedRunPassesTheAAGate) {
  const auto runs = two_frameworks(1, 8, 0.01);
  const auto c = legion::compare::compare_frameworks(runs, {});
  EXPECT_EQ(c.aa_gate.status, "pass");
  ASSERT_EQ(c.aa_gate.frameworks.size(), 1u);
  EXPECT_EQ(c.aa_gate.frameworks[0].state, "inside");
  // The A/A row is neither in the family nor in the geometric means.
  EXPECT_EQ(c.family_rows.at("other"), 5u);
  for (const auto& r : c.rows) {
    if (r.scenario == "harness") {
      EXPECT_EQ(r.role, legion::compare::Role::kAaControl);
    }
  }
  std::ostringstream out;
  legion::compare::print_summary(out, c);
  EXPECT_EQ(out.str().find("A/A gate: pass"), out.str().find('\n') + 1) << out.str();
}

TEST(SimulatedRun, ADisturbedFrameworkFailsTheGateAndItsProcessesAreNamed) {
  std::mt19937_64 rng(2);
  const auto truth = scenario_rows();
  std::vector<ProcessRun> runs;
  for (int k = 1; k <= 5; ++k) {
    // A CPU hog ran beside legion's processes 2 and 4: everything in them 25% slower.
    runs.push_back(process(rng, "legion", k, truth, true, 0.01, k % 2 == 0 ? 1.25 : 1.0));
    runs.push_back(process(rng, "other", k, truth, false, 0.01));
  }
  const auto c = legion::compare::compare_frameworks(runs, {});
  EXPECT_EQ(c.aa_gate.status, "disturbed");
  ASSERT_EQ(c.aa_gate.frameworks.size(), 1u);
  const auto& f = c.aa_gate.frameworks[0];
  EXPECT_NE(f.state, "inside");
  std::vector<std::string> named;
  for (const auto& o : f.outlying) named.push_back(o.file);
  EXPECT_EQ(named, (std::vector<std::string>{"legion.2.json", "legion.4.json"}));
  std::ostringstream out;
  legion::compare::print_summary(out, c);
  EXPECT_NE(out.str().find("A/A gate: DISTURBED"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("legion.2.json (1.2"), std::string::npos) << out.str();
  const auto json = legion::compare::to_json(c);
  EXPECT_EQ(json["summary"]["aa_gate"]["status"], "disturbed");
  EXPECT_EQ(json["summary"]["aa_gate"]["frameworks"]["other"]["outlying_processes"].size(), 2u);
}

TEST(SimulatedRun, ANoisyButCenteredAAIntervalSaysWhatWouldSettleIt) {
  const auto runs = two_frameworks(3, 3, 0.04);
  const auto c = legion::compare::compare_frameworks(runs, {});
  ASSERT_EQ(c.aa_gate.frameworks.size(), 1u);
  const auto& f = c.aa_gate.frameworks[0];
  // 4% process noise with 3 processes cannot show +-5%: the interval crosses a bound.
  EXPECT_EQ(f.state, "straddles") << f.interval.lower << " " << f.interval.upper;
  EXPECT_EQ(c.aa_gate.status, "disturbed");
  ASSERT_TRUE(f.needs_processes.has_value());
  EXPECT_GT(*f.needs_processes, 3u);
  EXPECT_TRUE(f.outlying.empty());  // no single process is outside the run's spread
}

// The calibration row only, as every driver process runs it: `n` processes, alternately legion
// and other, with process noise `sigma`; process `slow` (1-based, 0: none) `slowdown` times
// slower with no noise of its own (so the test knows its ratio).
std::vector<ProcessRun> calibration_run(std::uint64_t seed, int n, double sigma, int slow = 0,
                                        double slowdown = 1.0) {
  std::mt19937_64 rng(seed);
  const std::vector<Truth> truth = {{"harness/calibration/hot/real_time", 100e3, 1.0}};
  std::vector<ProcessRun> runs;
  for (int k = 1; k <= n; ++k) {
    const bool baseline = k % 2 == 1;
    const bool is_slow = k == slow;
    runs.push_back(process(rng, baseline ? "legion" : "other", k, truth, baseline,
                           is_slow ? 0.0 : sigma, is_slow ? slowdown : 1.0));
  }
  return runs;
}

std::vector<std::string> outlying_files(const Comparison& c) {
  std::vector<std::string> files;
  for (const auto& f : c.aa_gate.frameworks) {
    for (const auto& o : f.outlying) files.push_back(o.file);
  }
  return files;
}

// The 2-core VM's quiet default run (results/2026-12-04-default-run-2): 118 processes whose
// calibration means differ by ~4% (sd of the log 0.041), ~20% of them outside +-5% of the
// median. None of them is an outlier: the bounds alone named 27 and made the run exit 3.
TEST(SimulatedRun, TheMachinesNormalSpreadNamesNoOutlier) {
  std::size_t outside_bounds = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto c = legion::compare::compare_frameworks(calibration_run(seed, 118, 0.041), {});
    EXPECT_EQ(c.aa_gate.status, "pass") << seed;
    EXPECT_EQ(outlying_files(c), std::vector<std::string>{}) << seed;
    ASSERT_EQ(c.aa_gate.spread.size(), 1u);
    const auto& s = c.aa_gate.spread[0];
    EXPECT_EQ(s.processes, 118u);
    ASSERT_TRUE(s.fence_lower && s.fence_upper);
    // Q1 - 3 IQR, Q3 + 3 IQR of a normal log: ~4.7 sd either side, ~0.82 and ~1.21.
    EXPECT_NEAR(std::log(*s.fence_upper), 4.7 * 0.042, 0.05) << seed;
    EXPECT_NEAR(std::log(*s.fence_lower), -4.7 * 0.042, 0.05) << seed;
    for (const auto& p : calibration_run(seed, 118, 0.041)) {
      const auto& t = p.benchmarks[0].times_ns;
      const double r = std::accumulate(t.begin(), t.end(), 0.0) / t.size() / s.median_ns;
      outside_bounds += r < 0.95 || r > 1.05;
    }
  }
  EXPECT_GT(outside_bounds, 100u);  // the spread is what the bounds alone would name
}

TEST(SimulatedRun, AProcessFarOutsideTheSpreadIsNamed) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    const auto c =
        legion::compare::compare_frameworks(calibration_run(seed, 118, 0.041, 40, 1.3), {});
    EXPECT_EQ(outlying_files(c), std::vector<std::string>{"other.40.json"}) << seed;
    for (const auto& f : c.aa_gate.frameworks) {
      for (const auto& o : f.outlying) EXPECT_NEAR(o.ratio_to_median, 1.3, 0.03);
    }
  }
  // A 1.3x process among 14 (one first look of a 7-framework run) as well.
  const auto c = legion::compare::compare_frameworks(calibration_run(7, 14, 0.041, 3, 1.3), {});
  EXPECT_EQ(outlying_files(c), std::vector<std::string>{"legion.3.json"});
  const auto json = legion::compare::to_json(c);
  const auto& spread = json["summary"]["aa_gate"]["spread"];
  ASSERT_EQ(spread.size(), 1u);
  EXPECT_EQ(spread[0]["benchmark"], "harness/calibration/hot/real_time");
  EXPECT_EQ(spread[0]["processes"], 14);
  ASSERT_EQ(spread[0]["fences"].size(), 2u);
  EXPECT_LT(spread[0]["fences"][1].get<double>(), 1.3);
}

// With 4 processes the type-7 quartiles lean on the extremes: one slow process widens the
// fences past itself. No process is named (the fences say why); from 5 on, one is.
TEST(SimulatedRun, TooFewProcessesNameNoOutlierAndSaySo) {
  auto c = legion::compare::compare_frameworks(calibration_run(5, 4, 0.01, 2, 1.3), {});
  EXPECT_EQ(outlying_files(c), std::vector<std::string>{});
  ASSERT_EQ(c.aa_gate.spread.size(), 1u);
  EXPECT_FALSE(c.aa_gate.spread[0].fence_lower.has_value());
  EXPECT_EQ(legion::compare::to_json(c)["summary"]["aa_gate"]["spread"][0]["fences"], nullptr);
  EXPECT_EQ(c.aa_gate.status, "disturbed");  // the framework's interval still judges
  std::ostringstream out;
  legion::compare::print_summary(out, c);
  EXPECT_NE(out.str().find("outliers: none named with 4 processes (the fences need 5)"),
            std::string::npos)
      << out.str();
  c = legion::compare::compare_frameworks(calibration_run(5, 5, 0.01, 2, 1.3), {});
  EXPECT_EQ(outlying_files(c), std::vector<std::string>{"other.2.json"});
  ASSERT_EQ(c.aa_gate.status, "disturbed");
  out.str("");
  legion::compare::print_summary(out, c);
  EXPECT_NE(out.str().find("outlying processes: other.2.json (1.3"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("outlier: outside [0.95, 1.05] and the far"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("fences [0.98"), std::string::npos) << out.str();
}

TEST(SimulatedRun, WithACalibrationRowTheEmptyAdapterDoesNotDecideTheGate) {
  // The ~12 ns empty adapter differs between processes by code layout (a quiet run can show
  // 1.15x); the fixed-work calibration row is the one the gate judges when it exists.
  std::mt19937_64 rng(6);
  auto truth = scenario_rows();
  truth.push_back({"harness/calibration/hot/real_time", 120e3, 1.0});
  truth[5].ratio = 1.15;  // harness/empty_adapter/hot: layout, not disturbance
  std::vector<ProcessRun> runs;
  for (int k = 1; k <= 8; ++k) {
    runs.push_back(process(rng, "legion", k, truth, true, 0.01));
    runs.push_back(process(rng, "other", k, truth, false, 0.01));
  }
  const auto c = legion::compare::compare_frameworks(runs, {});
  EXPECT_EQ(c.aa_gate.status, "pass");
  EXPECT_EQ(c.aa_gate.benchmarks, std::vector<std::string>{"harness/calibration/hot/real_time"});
  EXPECT_EQ(c.family_rows.at("other"), 5u);  // neither A/A row is a comparison
  // Without the calibration row the empty adapter decides, and fails.
  for (auto& p : runs) p.benchmarks.pop_back();
  EXPECT_EQ(legion::compare::compare_frameworks(runs, {}).aa_gate.status, "disturbed");
}

TEST(SimulatedRun, ProcessesFromDifferentMachinesAreWarnedAbout) {
  std::mt19937_64 rng(4);
  const auto truth = scenario_rows();
  std::vector<ProcessRun> runs;
  for (int k = 1; k <= 3; ++k) {
    runs.push_back(process(rng, "legion", k, truth, true, 0.01, 1.0, "aaaaaaaaaaaaaaaa"));
    runs.push_back(process(rng, "other", k, truth, false, 0.01, 1.0,
                           k == 3 ? "bbbbbbbbbbbbbbbb" : "aaaaaaaaaaaaaaaa"));
  }
  const auto mixed = legion::compare::compare_frameworks(runs, {});
  EXPECT_TRUE(mixed.machines.mixed);
  EXPECT_EQ(mixed.machines.ids.size(), 2u);
  ASSERT_EQ(mixed.warnings.size(), 1u);
  EXPECT_NE(mixed.warnings[0].find("2 machines"), std::string::npos) << mixed.warnings[0];
  // No id is "unknown": no warning.
  for (auto& r : runs) r.context.erase("machine");
  const auto unknown = legion::compare::compare_frameworks(runs, {});
  EXPECT_FALSE(unknown.machines.mixed);
  EXPECT_EQ(unknown.machines.unknown, 6u);
  EXPECT_TRUE(unknown.warnings.empty());
}

TEST(SimulatedRun, CpuTimeAndPerIterationSpreadAreReportedPerSide) {
  const auto runs = two_frameworks(5, 3, 0.01);
  const auto c = legion::compare::compare_frameworks(runs, {});
  const auto& r = c.rows.front();
  ASSERT_TRUE(r.candidate->cpu_ns.has_value());
  EXPECT_NEAR(*r.candidate->cpu_ns, 1.5 * r.candidate->mean_ns, 1e-6 * r.candidate->mean_ns);
  EXPECT_NEAR(*r.candidate->iter_p95_ns, 2.0 * r.candidate->mean_ns, 1e-6 * r.candidate->mean_ns);
  EXPECT_GT(r.candidate->process_log_sd, 0.0);
  EXPECT_TRUE(r.figures.empty());  // cpu_ns and the percentiles are the harness's, not figures
  const auto json = legion::compare::to_json(c)["comparisons"][0]["candidate"];
  EXPECT_TRUE(json["cpu_ns"].is_number());
  EXPECT_TRUE(json["iter_p50_ns"].is_number());
  EXPECT_EQ(json["files"].size(), 3u);
  std::ostringstream out;
  legion::compare::print_full(out, c);
  EXPECT_NE(out.str().find("CPU us base/fw"), std::string::npos);
}

}  // namespace
