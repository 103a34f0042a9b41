// The latency table and the project brief's criteria on seeded simulated runs whose truth is
// known: overheads and LEGION/LangChain ratios set by construction are judged met / missed /
// inconclusive correctly, every line's verdict agrees with its interval, the overhead's
// interval covers at its family level, the ratio against direct is what --baseline direct
// gives, and absent latency counters make "not measured: ..." lines instead of values.

#include "compare/criteria.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "compare/comparison.hpp"
#include "compare/input_error.hpp"
#include "compare/report.hpp"
#include "support/verdict_invariant.hpp"

namespace {

using legion::compare::BenchmarkRun;
using legion::compare::Comparison;
using legion::compare::CriterionLine;
using legion::compare::LatencyLine;
using legion::compare::ProcessRun;

constexpr const char* kLognormal = "lognormal:20ms,0.5";

// A benchmark with its critical-path model time and each framework's true wall time per
// iteration as a multiple of it (1 + overhead).
struct Case {
  std::string benchmark;
  double critical_path_ns = 0.0;
  std::map<std::string, double> wall_over_path;
};

struct Options {
  double process_sigma = 0.02;  // sd of the log process means
  std::string model_latency = kLognormal;
  bool counters = true;  // write critical_path_model_ns and model_latency_ns
};

// One process: each case's 5 repetitions around truth x a process effect.
ProcessRun process(std::mt19937_64& rng, const std::string& framework, int k,
                   const std::vector<Case>& cases, const Options& o) {
  std::normal_distribution<double> z;
  ProcessRun p;
  p.framework = framework;
  p.source = framework + "." + std::to_string(k) + ".json";
  p.context = {{"framework", framework}, {"seed", "42"}, {"model_latency", o.model_latency}};
  for (const auto& c : cases) {
    BenchmarkRun b;
    b.name = c.benchmark;
    const double mean =
        c.critical_path_ns * c.wall_over_path.at(framework) * std::exp(o.process_sigma * z(rng));
    for (int r = 0; r < 5; ++r) {
      b.times_ns.push_back(mean * std::exp(0.002 * z(rng)));
      if (o.counters) {
        b.counters["critical_path_model_ns"].push_back(c.critical_path_ns);
        b.counters["model_latency_ns"].push_back(10.0 * c.critical_path_ns);
      }
      b.counters["model_calls"].push_back(3);
    }
    p.benchmarks.push_back(std::move(b));
  }
  return p;
}

std::vector<ProcessRun> runs_of(std::mt19937_64& rng, const std::vector<Case>& cases,
                                const std::vector<std::string>& frameworks, int processes,
                                const Options& o = {}) {
  std::vector<ProcessRun> runs;
  for (int k = 1; k <= processes; ++k) {
    for (const auto& f : frameworks) runs.push_back(process(rng, f, k, cases, o));
  }
  return runs;
}

// Overheads by construction: legion 5% (met), direct 3% (met), langchain 40% (missed), crewai
// exactly 15% (on the limit: any verdict but inconclusive is wrong).
std::vector<Case> latency_cases() {
  const std::map<std::string, double> walls = {
      {"legion", 1.05}, {"direct", 1.03}, {"langchain", 1.40}, {"crewai", 1.15}};
  return {{"multi_agent_workflow/hot/real_time", 60e6, walls},
          {"consensus/hot/real_time", 25e6, walls},
          {"concurrent_execution/agents=64/concurrency/real_time", 40e6, walls},
          {"simple_task/hot/real_time", 40e6, walls}};
}

const std::vector<std::string> kFour = {"legion", "direct", "langchain", "crewai"};

std::vector<const CriterionLine*> lines_of(const Comparison& c, const std::string& criterion) {
  std::vector<const CriterionLine*> out;
  for (const auto& l : c.criteria.lines) {
    if (l.criterion == criterion) out.push_back(&l);
  }
  return out;
}

const LatencyLine& latency_line(const Comparison& c, const std::string& benchmark,
                                const std::string& framework) {
  for (const auto& l : c.latency.lines) {
    if (l.benchmark == benchmark && l.framework == framework) return l;
  }
  throw std::runtime_error("no latency line " + benchmark + " " + framework);
}

Comparison with_baseline(const std::vector<ProcessRun>& runs, const std::string& baseline) {
  legion::compare::Options o;
  o.baseline = baseline;
  return legion::compare::compare_frameworks(runs, o);
}

// Every criterion line keeps the invariant, on the JSON a reader sees.
void expect_invariant(const Comparison& c) {
  const auto json = legion::compare::to_json(c);
  ASSERT_TRUE(json["criteria"].is_object());
  for (const auto& line : json["criteria"]["lines"]) {
    const std::string wrong = legion_test::criterion_disagreement(line);
    EXPECT_TRUE(wrong.empty()) << line.dump() << ": " << wrong;
  }
}

TEST(Criteria, OverheadVerdictsFollowTheKnownOverheads) {
  std::mt19937_64 rng(17);
  int crewai_decided = 0;
  int crewai_lines = 0;
  constexpr int kRuns = 40;
  for (int run = 0; run < kRuns; ++run) {
    const auto c = legion::compare::compare_frameworks(runs_of(rng, latency_cases(), kFour, 6), {});
    expect_invariant(c);
    EXPECT_EQ(c.criteria.latency_regime, "latency");
    // simple_task is no multi-agent scenario: in the latency table, not among the criteria.
    const auto overhead = lines_of(c, legion::compare::kOverheadCriterion);
    ASSERT_EQ(overhead.size(), 3u * kFour.size());
    for (const auto* l : overhead) {
      EXPECT_NE(l->scenario, "simple_task");
      if (l->framework == "legion" || l->framework == "direct") {
        EXPECT_EQ(l->verdict, "met");
      }
      if (l->framework == "langchain") {
        EXPECT_EQ(l->verdict, "missed");
      }
      if (l->framework == "crewai") {
        ++crewai_lines;
        crewai_decided += l->verdict != "inconclusive";
        if (l->verdict == "inconclusive") {
          EXPECT_TRUE(l->needs_processes.has_value());
        }
      }
    }
    EXPECT_EQ(c.latency.lines.size(), 4u * kFour.size());
    EXPECT_EQ(c.latency.overhead_family.at("legion"), 4u);  // simple_task's interval counts
  }
  // On the limit a verdict is an error; each framework's lines are all right at once with
  // probability >= 95%, so over 40 runs a few wrong lines at most.
  EXPECT_LE(crewai_decided, crewai_lines / 20) << crewai_decided << " of " << crewai_lines;
}

TEST(Criteria, TheOverheadIntervalCoversAtItsFamilyLevel) {
  // 3 processes (t at 2 df), 10% process noise: wide intervals, and still the family of a
  // framework's 4 intervals covers the true overheads together in >= 95% of the runs.
  std::mt19937_64 rng(2026);
  Options o;
  o.process_sigma = 0.10;
  const auto cases = latency_cases();
  constexpr int kRuns = 400;
  int all_covered = 0;
  for (int run = 0; run < kRuns; ++run) {
    const auto c =
        legion::compare::compare_frameworks(runs_of(rng, cases, {"legion", "langchain"}, 3, o), {});
    bool covered = true;
    for (const auto& l : c.latency.lines) {
      if (l.framework != "langchain") continue;
      ASSERT_TRUE(l.overhead.has_value());
      // The parameter: exp(E log W_p) / C - 1; the repetitions' own noise adds ~2e-6 to it.
      covered = covered && l.overhead->interval.contains(0.40);
      EXPECT_NEAR(l.overhead->interval.level, 1.0 - 0.05 / 4.0, 1e-12);
    }
    all_covered += covered;
  }
  EXPECT_GE(all_covered, 0.93 * kRuns) << all_covered << " of " << kRuns;
  // Not wider than it must be: ~5% of the families miss (0 misses in 400 is p ~ 1e-9).
  EXPECT_LE(all_covered, 0.99 * kRuns) << all_covered << " of " << kRuns;
}

TEST(Criteria, TheOverheadIsStudentsIntervalOnTheLogsOverTheExactCriticalPath) {
  // By hand: one benchmark, three processes, C = 40 ms.
  std::vector<ProcessRun> runs;
  const double path = 40e6;
  const std::map<std::string, std::vector<double>> walls = {{"legion", {44e6, 46e6, 45e6}},
                                                            {"direct", {41e6, 42e6, 41.5e6}}};
  for (const auto& [framework, values] : walls) {
    for (std::size_t k = 0; k < values.size(); ++k) {
      ProcessRun p;
      p.framework = framework;
      p.source = framework + "." + std::to_string(k + 1) + ".json";
      p.context = {{"framework", framework}, {"seed", "1"}, {"model_latency", "fixed:20ms"}};
      BenchmarkRun b;
      b.name = "hierarchical/hot";
      b.times_ns = {values[k], values[k]};
      b.counters["critical_path_model_ns"] = {path, path};
      p.benchmarks.push_back(b);
      runs.push_back(p);
    }
  }
  const auto c = legion::compare::compare_frameworks(runs, {});
  const auto& l = latency_line(c, "hierarchical/hot", "legion");
  ASSERT_TRUE(l.overhead.has_value());
  std::vector<double> logs;
  for (double w : walls.at("legion")) logs.push_back(std::log(w / path));
  const double m = (logs[0] + logs[1] + logs[2]) / 3.0;
  double ss = 0.0;
  for (double x : logs) ss += (x - m) * (x - m);
  const double s = std::sqrt(ss / 2.0);
  // One overhead interval per framework: the family level is 95%.
  const double t = boost::math::quantile(boost::math::students_t_distribution<double>(2), 0.975);
  EXPECT_NEAR(l.overhead->value, std::exp(m) - 1.0, 1e-12);
  EXPECT_NEAR(l.overhead->interval.lower, std::exp(m - t * s / std::sqrt(3.0)) - 1.0, 1e-9);
  EXPECT_NEAR(l.overhead->interval.upper, std::exp(m + t * s / std::sqrt(3.0)) - 1.0, 1e-9);
  EXPECT_NEAR(*l.wall_ns, std::exp(m) * path, 1e-3);
  EXPECT_EQ(*l.critical_path_ns, path);
  EXPECT_FALSE(l.vs_baseline.has_value());  // the baseline's own line
  ASSERT_TRUE(l.vs_direct.has_value());
  EXPECT_GT(l.vs_direct->ratio, 1.0);
  // hierarchical is a multi-agent scenario (pattern hierarchy).
  const auto lines = lines_of(c, legion::compare::kOverheadCriterion);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]->pattern, "hierarchy");
  EXPECT_EQ(lines[0]->framework, "legion");
}

TEST(LatencyTable, TheRatioAgainstDirectIsWhatBaselineDirectGives) {
  std::mt19937_64 rng(5);
  const auto runs = runs_of(rng, latency_cases(), kFour, 4);
  const auto c = legion::compare::compare_frameworks(runs, {});
  const auto d = with_baseline(runs, "direct");
  EXPECT_EQ(c.latency.reference, "direct");
  EXPECT_EQ(c.latency.direct_family, d.family_rows);
  for (const auto& l : c.latency.lines) {
    if (l.framework == "direct") {
      EXPECT_FALSE(l.vs_direct.has_value());
      continue;
    }
    ASSERT_TRUE(l.vs_direct.has_value()) << l.benchmark << " " << l.framework;
    bool found = false;
    for (const auto& r : d.rows) {
      if (r.benchmark != l.benchmark || r.framework != l.framework) continue;
      found = true;
      EXPECT_EQ(l.vs_direct->ratio, r.stats->ratio);
      EXPECT_EQ(l.vs_direct->interval.lower, r.stats->ratio_interval.lower);
      EXPECT_EQ(l.vs_direct->interval.upper, r.stats->ratio_interval.upper);
    }
    EXPECT_TRUE(found);
  }
  // With direct as the baseline, the ratio against direct is the row's ratio.
  for (const auto& l : d.latency.lines) {
    if (l.framework == "direct") continue;
    ASSERT_TRUE(l.vs_direct.has_value());
    EXPECT_EQ(l.vs_direct->ratio, l.vs_baseline->ratio);
  }
  // Without direct's processes, no ratio against it.
  std::vector<ProcessRun> no_direct;
  for (const auto& p : runs) {
    if (p.framework != "direct") no_direct.push_back(p);
  }
  const auto n = legion::compare::compare_frameworks(no_direct, {});
  EXPECT_TRUE(n.latency.reference.empty());
  for (const auto& l : n.latency.lines) EXPECT_FALSE(l.vs_direct.has_value());
}

// LEGION / LangChain by construction: 0.5 (met), 1.5 (missed), 1.2 (on the limit).
std::vector<Case> within_cases() {
  return {{"simple_task/hot/real_time", 1e6, {{"legion", 1.0}, {"langchain", 2.0}}},
          {"consensus/hot/real_time", 1e6, {{"legion", 1.5}, {"langchain", 1.0}}},
          {"hierarchical/hot/real_time", 1e6, {{"legion", 1.2}, {"langchain", 1.0}}},
          {"simple_task/construction/real_time", 1e6, {{"legion", 1.0}, {"langchain", 1.0}}}};
}

TEST(Criteria, LegionWithinTwentyPercentFollowsTheKnownRatios) {
  std::mt19937_64 rng(20);
  Options zero;
  zero.model_latency = "none";
  zero.counters = false;
  int on_limit_decided = 0;
  constexpr int kRuns = 40;
  for (int run = 0; run < kRuns; ++run) {
    const auto c = legion::compare::compare_frameworks(
        runs_of(rng, within_cases(), {"legion", "langchain"}, 5, zero), {});
    expect_invariant(c);
    EXPECT_EQ(c.criteria.latency_regime, "zero_latency");
    EXPECT_TRUE(c.latency.empty());
    EXPECT_TRUE(lines_of(c, legion::compare::kOverheadCriterion).empty());
    const auto within = lines_of(c, legion::compare::kWithinCriterion);
    ASSERT_EQ(within.size(), 3u);  // construction is no task
    for (const auto* l : within) {
      EXPECT_EQ(l->latency_regime, "zero_latency");
      EXPECT_EQ(l->framework, "legion");
      EXPECT_EQ(l->reference, "langchain");
      if (l->scenario == "simple_task") {
        EXPECT_EQ(l->verdict, "met");
      }
      if (l->scenario == "consensus") {
        EXPECT_EQ(l->verdict, "missed");
      }
      if (l->scenario == "hierarchical") on_limit_decided += l->verdict != "inconclusive";
      // The line's interval is LangChain's row, inverted.
      for (const auto& r : c.rows) {
        if (r.benchmark != l->benchmark) continue;
        EXPECT_NEAR(*l->estimate, 1.0 / r.stats->ratio, 1e-12);
        EXPECT_NEAR(l->interval->lower, 1.0 / r.stats->ratio_interval.upper, 1e-12);
        EXPECT_NEAR(l->interval->upper, 1.0 / r.stats->ratio_interval.lower, 1e-12);
        EXPECT_EQ(l->interval->level, r.stats->ratio_interval.level);
      }
    }
    // The zero-latency comparison says what it leaves to the latency regime's files.
    std::set<std::pair<std::string, std::string>> not_judged;
    for (const auto& n : c.criteria.not_judged) not_judged.insert({n.criterion, n.latency_regime});
    EXPECT_TRUE(not_judged.count({legion::compare::kOverheadCriterion, "latency"}));
    EXPECT_TRUE(not_judged.count({legion::compare::kWithinCriterion, "latency"}));
  }
  EXPECT_LE(on_limit_decided, 2) << on_limit_decided << " of " << kRuns;
}

TEST(Criteria, WithAnotherBaselineTheWithinLinesAreTheSame) {
  std::mt19937_64 rng(21);
  const auto runs = runs_of(rng, latency_cases(), kFour, 4);
  const auto a = legion::compare::compare_frameworks(runs, {});
  const auto b = with_baseline(runs, "crewai");
  const auto la = lines_of(a, legion::compare::kWithinCriterion);
  const auto lb = lines_of(b, legion::compare::kWithinCriterion);
  ASSERT_EQ(la.size(), lb.size());
  ASSERT_FALSE(la.empty());
  for (std::size_t i = 0; i < la.size(); ++i) {
    EXPECT_EQ(la[i]->benchmark, lb[i]->benchmark);
    EXPECT_EQ(la[i]->verdict_text, lb[i]->verdict_text);
    EXPECT_EQ(la[i]->interval->lower, lb[i]->interval->lower);
  }
  EXPECT_EQ(a.criteria.lines.size(), b.criteria.lines.size());
}

TEST(Criteria, TwoLatencyRegimesAreTwoComparisons) {
  std::mt19937_64 rng(22);
  Options zero;
  zero.model_latency = "none";
  zero.counters = false;  // legion-bench writes them only under a latency model
  auto runs = runs_of(rng, latency_cases(), {"legion", "langchain"}, 3);
  const auto zero_runs = runs_of(rng, latency_cases(), {"legion", "langchain"}, 3, zero);
  // Mixed: refused, naming what to do.
  auto mixed = runs;
  for (auto p : zero_runs) {
    if (p.framework == "langchain") continue;
    p.source = "zero." + p.source;
    mixed.push_back(p);
  }
  std::vector<ProcessRun> crossed;
  for (const auto& p : runs) {
    if (p.framework == "legion") crossed.push_back(p);
  }
  for (const auto& p : zero_runs) {
    if (p.framework == "langchain") crossed.push_back(p);
  }
  try {
    legion::compare::compare_frameworks(crossed, {});
    FAIL() << "frameworks in two latency regimes were compared";
  } catch (const legion::compare::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("legion-compare run of its own"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(legion::compare::compare_frameworks(mixed, {}), legion::compare::InputError);
  // Apart, each gives its regime's lines.
  const auto latency = legion::compare::compare_frameworks(runs, {});
  const auto none = legion::compare::compare_frameworks(zero_runs, {});
  for (const auto& l : latency.criteria.lines) EXPECT_EQ(l.latency_regime, "latency");
  for (const auto& l : none.criteria.lines) EXPECT_EQ(l.latency_regime, "zero_latency");
  EXPECT_FALSE(lines_of(latency, legion::compare::kWithinCriterion).empty());
  EXPECT_FALSE(lines_of(none, legion::compare::kWithinCriterion).empty());
  EXPECT_FALSE(lines_of(latency, legion::compare::kOverheadCriterion).empty());
  EXPECT_TRUE(lines_of(none, legion::compare::kOverheadCriterion).empty());
}

// A criterion line without data says so, with no value.
void expect_not_measured(const Comparison& c, const std::string& framework,
                         const std::string& because) {
  expect_invariant(c);
  int seen = 0;
  for (const auto* l : lines_of(c, legion::compare::kOverheadCriterion)) {
    if (l->framework != framework) continue;
    ++seen;
    EXPECT_EQ(l->verdict, "not_measured");
    EXPECT_FALSE(l->estimate.has_value());
    EXPECT_FALSE(l->interval.has_value());
    EXPECT_NE(l->verdict_text.find("not measured: "), std::string::npos);
    EXPECT_NE(l->verdict_text.find(because), std::string::npos) << l->verdict_text;
  }
  EXPECT_EQ(seen, 3);
}

TEST(Criteria, MissingLatencyCountersAreNotMeasured) {
  std::mt19937_64 rng(23);
  const auto cases = latency_cases();
  Options without;
  without.counters = false;
  std::vector<ProcessRun> runs;
  for (int k = 1; k <= 3; ++k) {
    runs.push_back(process(rng, "legion", k, cases, {}));
    runs.push_back(process(rng, "langchain", k, cases, without));
  }
  const auto c = legion::compare::compare_frameworks(runs, {});
  expect_not_measured(c, "langchain", "no critical_path_model_ns in langchain's files");
  for (const auto* l : lines_of(c, legion::compare::kOverheadCriterion)) {
    if (l->framework == "legion") {
      EXPECT_NE(l->verdict, "not_measured");  // its own counters are there
      EXPECT_NEAR(*l->estimate, 0.05, 0.05);
    }
  }
  // In some processes only.
  for (auto& p : runs) {
    if (p.source == "legion.2.json") {
      for (auto& b : p.benchmarks) b.counters.erase("critical_path_model_ns");
    }
  }
  expect_not_measured(legion::compare::compare_frameworks(runs, {}), "legion",
                      "critical_path_model_ns in 2 of 3 processes");
  // Different in one process: not the same case.
  for (auto& p : runs) {
    if (p.source == "legion.2.json") {
      for (auto& b : p.benchmarks) {
        b.counters["critical_path_model_ns"] = std::vector<double>(5, 1e6);
      }
    }
  }
  expect_not_measured(legion::compare::compare_frameworks(runs, {}), "legion",
                      "differs between processes");
  // Zero: no latency in the case.
  for (auto& p : runs) {
    if (p.framework == "legion") {
      for (auto& b : p.benchmarks)
        b.counters["critical_path_model_ns"] = std::vector<double>(5, 0.0);
    }
  }
  expect_not_measured(legion::compare::compare_frameworks(runs, {}), "legion", "is 0");
}

TEST(Criteria, AnUnsupportedScenarioIsNotMeasuredWithItsReason) {
  std::mt19937_64 rng(24);
  auto runs = runs_of(rng, latency_cases(), {"legion", "langchain"}, 3);
  for (auto& p : runs) {
    if (p.framework != "langchain") continue;
    for (auto& b : p.benchmarks) {
      if (b.name.rfind("consensus", 0) == 0) {
        b.times_ns.clear();
        b.counters.clear();
        b.error = "unsupported: no voting";
      }
    }
  }
  const auto c = legion::compare::compare_frameworks(runs, {});
  expect_invariant(c);
  int seen = 0;
  for (const auto& l : c.criteria.lines) {
    if (l.scenario != "consensus") continue;
    if (l.framework == "legion" && l.criterion == legion::compare::kOverheadCriterion) continue;
    ++seen;
    EXPECT_EQ(l.verdict, "not_measured");
    EXPECT_NE(l.verdict_text.find("langchain: unsupported: no voting"), std::string::npos)
        << l.verdict_text;
  }
  EXPECT_EQ(seen, 2);  // langchain's overhead, LEGION within 20% of LangChain
}

TEST(Criteria, WithoutLangChainTheSecondCriterionIsNotJudged) {
  std::mt19937_64 rng(25);
  const auto c = legion::compare::compare_frameworks(
      runs_of(rng, latency_cases(), {"legion", "direct"}, 3), {});
  EXPECT_TRUE(lines_of(c, legion::compare::kWithinCriterion).empty());
  bool said = false;
  for (const auto& n : c.criteria.not_judged) {
    said = said || (n.criterion == legion::compare::kWithinCriterion &&
                    n.reason == "langchain's processes are not among the inputs");
  }
  EXPECT_TRUE(said);
}

TEST(Criteria, TheMultiAgentTableFollowsTheScenarioCatalogue) {
  const std::set<std::string> multi = {"pipeline",  "hierarchy", "group_chat",
                                       "consensus", "fan_out",   "concurrent"};
  int scenarios = 0;
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(LEGION_SOURCE_DIR) / "benchmarks" / "scenarios")) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    const auto spec = nlohmann::json::parse(in);
    const std::string id = spec.at("id");
    const std::string pattern = spec.at("pattern");
    ++scenarios;
    const std::string known(legion::compare::multi_agent_pattern(id));
    EXPECT_EQ(known, multi.count(pattern) ? pattern : "") << id << " (" << pattern << ")";
  }
  EXPECT_GE(scenarios, 10);
}

TEST(Criteria, TheSummaryPrintsTheLatencyTableAndTheCriteriaIn100Columns) {
  std::mt19937_64 rng(26);
  const auto c = legion::compare::compare_frameworks(runs_of(rng, latency_cases(), kFour, 3), {});
  std::ostringstream summary;
  legion::compare::print_summary(summary, c);
  const std::string text = summary.str();
  EXPECT_NE(text.find("== model latency lognormal:20ms,0.5"), std::string::npos) << text;
  EXPECT_NE(text.find("== the project brief's criteria: the latency regime"), std::string::npos)
      << text;
  EXPECT_NE(text.find("coordination overhead < 15%"), std::string::npos);
  EXPECT_NE(text.find("LEGION within 20% of LangChain"), std::string::npos);
  EXPECT_NE(text.find("x direct"), std::string::npos);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 100u) << line;
  std::ostringstream criteria;
  legion::compare::print_criteria(criteria, c);
  EXPECT_EQ(criteria.str().rfind("== the project brief's criteria", 0), 0u) << criteria.str();
  EXPECT_NE(text.find(criteria.str()), std::string::npos);  // the summary's own section
  std::ostringstream full;
  legion::compare::print_full(full, c);
  EXPECT_NE(full.str().find("critical path ms"), std::string::npos);
  std::ostringstream markdown;
  legion::compare::print_markdown(markdown, c);
  EXPECT_NE(markdown.str().find("| coordination overhead < 15% |"), std::string::npos);
  const auto json = legion::compare::to_json(c);
  EXPECT_EQ(json["criteria"]["latency_regime"], "latency");
  EXPECT_EQ(json["latency"]["lines"].size(), c.latency.lines.size());
  EXPECT_TRUE(json["latency"]["lines"][0]["overhead"]["ci"].is_object());
  const auto& counts = json["criteria"]["counts"];
  EXPECT_EQ(counts["met"].get<int>() + counts["missed"].get<int>() +
                counts["inconclusive"].get<int>() + counts["not_measured"].get<int>(),
            static_cast<int>(c.criteria.lines.size()));
}

}  // namespace
