// Reading Google Benchmark results (JSON and CSV) and the comparison/threshold analyses built
// on them.

#include <gtest/gtest.h>

#include <string>

#include "stats/compare.hpp"
#include "stats/error.hpp"
#include "stats/gbench_json.hpp"
#include "stats/report_json.hpp"
#include "stats/targets.hpp"
#include "support/verdict_invariant.hpp"

namespace {

const std::string kData = std::string(LEGION_TEST_DATA_DIR) + "/stats/";

// Two repetitions of BM_a (one in us), aggregates, an errored entry and a counter.
constexpr const char* kJson = R"({
  "context": {"library_build_type": "debug"},
  "benchmarks": [
    {"name": "BM_a/repeats:2", "run_name": "BM_a/repeats:2", "run_type": "iteration",
     "repetitions": 2, "repetition_index": 0, "iterations": 10, "real_time": 1.5,
     "cpu_time": 1.4, "time_unit": "us", "bytes": 64},
    {"name": "BM_a/repeats:2", "run_name": "BM_a/repeats:2", "run_type": "iteration",
     "repetitions": 2, "repetition_index": 1, "iterations": 10, "real_time": 2.5,
     "cpu_time": 2.4, "time_unit": "us", "bytes": 32},
    {"name": "BM_a/repeats:2_mean", "run_name": "BM_a/repeats:2", "run_type": "aggregate",
     "aggregate_name": "mean", "iterations": 2, "real_time": 2.0, "cpu_time": 1.9,
     "time_unit": "us"},
    {"name": "BM_b", "run_type": "iteration", "iterations": 1, "real_time": 3.0,
     "cpu_time": 3.0, "time_unit": "ms"},
    {"name": "BM_broken", "run_name": "BM_broken", "run_type": "iteration",
     "error_occurred": true, "error_message": "failed", "iterations": 0,
     "real_time": 0, "cpu_time": 0, "time_unit": "ns"}
  ]
})";

TEST(GbenchJson, TakesIterationsGroupsByRunNameAndConvertsToNs) {
  const auto s = stats::parse_gbench_json(kJson, "real_time", "test.json");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].name, "BM_a/repeats:2");
  EXPECT_EQ(s[0].unit, "ns");
  ASSERT_EQ(s[0].values.size(), 2u);
  EXPECT_DOUBLE_EQ(s[0].values[0], 1500.0);
  EXPECT_DOUBLE_EQ(s[0].values[1], 2500.0);
  EXPECT_EQ(s[1].name, "BM_b");
  EXPECT_DOUBLE_EQ(s[1].values[0], 3e6);
  const auto cpu = stats::parse_gbench_json(kJson, "cpu_time", "test.json");
  EXPECT_DOUBLE_EQ(cpu[0].values[1], 2400.0);
  // A counter: only the benchmarks that have it, values as written.
  const auto bytes = stats::parse_gbench_json(kJson, "bytes", "test.json");
  ASSERT_EQ(bytes.size(), 1u);
  EXPECT_EQ(bytes[0].unit, "");
  EXPECT_DOUBLE_EQ(bytes[0].values[1], 32.0);
}

TEST(GbenchJson, BadInputNamesTheSource) {
  try {
    stats::parse_gbench_json(R"({"benchmarks": [ {"name": )", "real_time", "broken.json");
    FAIL() << "no exception";
  } catch (const stats::StatsError& e) {
    EXPECT_NE(std::string(e.what()).find("broken.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("malformed JSON"), std::string::npos);
  }
  EXPECT_THROW(stats::parse_gbench_json(R"({"context": {}})", "real_time", "x"), stats::StatsError);
  EXPECT_THROW(stats::parse_gbench_json(R"({"benchmarks": []})", "real_time", "x"),
               stats::StatsError);
  EXPECT_THROW(stats::parse_gbench_json(
                   R"({"benchmarks": [{"name": "a", "real_time": 1, "time_unit": "ks"}]})",
                   "real_time", "x"),
               stats::StatsError);
  EXPECT_THROW(stats::parse_gbench_json(R"({"benchmarks": [{"name": "a"}]})", "real_time", "x"),
               stats::StatsError);
  EXPECT_THROW(stats::parse_gbench_json(kJson, "no_such_counter", "x"), stats::StatsError);
  EXPECT_THROW(stats::read_benchmark_file(kData + "does_not_exist.json"), stats::StatsError);
  EXPECT_THROW(stats::read_benchmark_file(kData + "malformed.json"), stats::StatsError);
}

// Found by tests/fuzz/gbench_json: nlohmann reports a number beyond a double's range as
// out_of_range.406, not parse_error; it escaped legion-stats as raw exception text.
TEST(GbenchJson, ANumberOutOfRangeIsMalformedJson) {
  const std::string text = R"({"benchmarks": [{"name": "a", "real_time": 1e999}]})";
  try {
    stats::parse_gbench_json(text, "real_time", "huge.json");
    FAIL() << "no exception";
  } catch (const stats::StatsError& e) {
    EXPECT_NE(std::string(e.what()).find("huge.json: malformed JSON"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(stats::parse_targets(R"([{"benchmark": "a", "max": 1e999}])", "t.json"),
               stats::StatsError);
}

TEST(GbenchCsv, ReadsBothLayouts) {
  const auto gb = stats::read_benchmark_file(kData + "gbench.csv");
  ASSERT_EQ(gb.size(), 1u);  // aggregates and the errored row are skipped
  EXPECT_EQ(gb[0].name, "BM_Csv/repeats:5");
  EXPECT_EQ(gb[0].values.size(), 5u);
  EXPECT_GT(gb[0].values[0], 1000.0);  // us -> ns
  const auto simple = stats::read_benchmark_file(kData + "simple.csv");
  ASSERT_EQ(simple.size(), 2u);
  EXPECT_EQ(simple[0].name, "load");
  EXPECT_EQ(simple[0].values, (std::vector<double>{10, 12, 11}));
  EXPECT_EQ(simple[1].values, (std::vector<double>{5, 6}));
  EXPECT_THROW(stats::parse_benchmark_csv("name,value\nx,abc\n", "real_time", "bad.csv"),
               stats::StatsError);
  EXPECT_THROW(stats::parse_benchmark_csv("no header\n", "real_time", "bad.csv"),
               stats::StatsError);
}

TEST(Compare, FixtureRunsGiveTheExpectedVerdicts) {
  const auto a = stats::read_benchmark_file(kData + "run_a.json");
  const auto b = stats::read_benchmark_file(kData + "run_b.json");
  const auto report = stats::compare_runs(a, b);
  ASSERT_EQ(report.pairs.size(), 3u);
  EXPECT_EQ(report.only_in_b, std::vector<std::string>{"BM_OnlyInB"});
  const auto& dispatch = report.pairs[0];  // B ~17% faster, 10 vs 6 repetitions
  EXPECT_EQ(dispatch.name, "BM_Dispatch/64");
  EXPECT_EQ(dispatch.n_a, 10u);
  EXPECT_EQ(dispatch.n_b, 6u);
  EXPECT_EQ(dispatch.verdict, "faster");
  EXPECT_LT(dispatch.ratio_interval.upper, 1.0);
  EXPECT_TRUE(dispatch.ratio_interval.contains(dispatch.ratio));
  EXPECT_NEAR(dispatch.ratio_interval.level, 1.0 - 0.05 / 3.0, 1e-15);  // Bonferroni over 3
  EXPECT_GE(dispatch.welch_p_holm, dispatch.welch_p);
  EXPECT_LT(dispatch.cliffs_delta, 0.0);
  EXPECT_EQ(report.pairs[1].verdict, "slower");  // BM_Parse ~10% slower
  EXPECT_EQ(report.pairs[2].verdict, "equivalent");
  EXPECT_EQ(report.pairs[2].verdict_text, "equivalent within 20%");
  for (const auto& p : report.pairs) {
    const std::string wrong = legion_test::verdict_disagreement(stats::pair_json(p));
    EXPECT_TRUE(wrong.empty()) << p.name << ": " << wrong;
  }
  // Without an equivalence margin an interval around 1 is inconclusive, with what would settle
  // it (one file is one process: the replicates are repetitions).
  stats::CompareOptions strict;
  strict.equivalence_margin = 0.0;
  strict.replicates = "repetitions";
  const auto unsettled = stats::compare_runs(a, b, strict).pairs[2];
  EXPECT_EQ(unsettled.verdict, "inconclusive");
  EXPECT_EQ(unsettled.verdict_text.rfind("inconclusive: ", 0), 0u) << unsettled.verdict_text;
  EXPECT_NE(unsettled.verdict_text.find("repetitions"), std::string::npos);
  // Counters are "lower"/"higher", not faster/slower.
  stats::CompareOptions counter;
  counter.lower_is_better = false;
  const auto ips = stats::compare_runs(
      stats::read_benchmark_file(kData + "run_a.json", "items_per_second"),
      stats::read_benchmark_file(kData + "run_b.json", "items_per_second"), counter);
  EXPECT_EQ(ips.pairs[0].verdict, "higher");
}

TEST(Compare, ACounterWithZerosUsesFiellersIntervalOfTheRatioOfMeans) {
  const std::vector<stats::Series> a = {{"allocs", {0, 2, 1, 1, 2, 0}, ""}};
  const std::vector<stats::Series> b = {{"allocs", {10, 12, 11, 9, 10, 11}, ""}};
  const auto r = stats::compare_runs(a, b);
  ASSERT_EQ(r.pairs.size(), 1u);
  EXPECT_EQ(r.pairs[0].ci_method, "fieller_banerjee_bonferroni");
  EXPECT_NEAR(r.pairs[0].ratio, 63.0 / 6.0, 1e-12);  // of the means: no logs of 0
  const std::string wrong = legion_test::verdict_disagreement(stats::pair_json(r.pairs[0]));
  EXPECT_TRUE(wrong.empty()) << wrong;
}

TEST(Compare, RefusesSingleRepetitionsAndDisjointRuns) {
  const auto one = stats::read_benchmark_file(kData + "single_repetition.json");
  EXPECT_THROW(stats::compare_runs(one, one), stats::StatsError);
  const std::vector<stats::Series> x = {{"x", {1, 2, 3}, "ns"}};
  const std::vector<stats::Series> y = {{"y", {1, 2, 3}, "ns"}};
  EXPECT_THROW(stats::compare_runs(x, y), stats::StatsError);
  // Constant but different: no Welch test; the interval is the point, and the verdict rests on it.
  const std::vector<stats::Series> c1 = {{"c", {10, 10, 10}, "ns"}};
  const std::vector<stats::Series> c2 = {{"c", {20, 20, 20}, "ns"}};
  const auto r = stats::compare_runs(c1, c2);
  EXPECT_EQ(r.pairs[0].verdict, "slower");
  EXPECT_DOUBLE_EQ(r.pairs[0].ratio_interval.lower, 2.0);
  EXPECT_FALSE(r.pairs[0].notes.empty());
}

TEST(Targets, SeveralResultsFilesFirstHoldingTheBenchmarkWins) {
  const std::vector<stats::Target> targets = {{"BM_OnlyInB", "real_time", 1e12, {}, "", ""},
                                              {"BM_Steady", "real_time", 1e12, {}, "", ""}};
  const std::vector<std::filesystem::path> both = {kData + "run_a.json", kData + "run_b.json"};
  const auto r = stats::check_targets(targets, both);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].outcome, stats::TargetOutcome::kMet);
  EXPECT_EQ(r[1].outcome, stats::TargetOutcome::kMet);
  const std::vector<std::filesystem::path> only_a = {kData + "run_a.json"};
  EXPECT_THROW(stats::check_targets(targets, only_a), stats::StatsError);
  const std::vector<std::filesystem::path> missing = {kData + "run_a.json", kData + "absent.json"};
  EXPECT_THROW(stats::check_targets(targets, missing), stats::StatsError);
}

std::vector<stats::TargetResult> check(const std::vector<stats::Target>& targets,
                                       const std::string& file) {
  return stats::check_targets(targets, std::vector<std::filesystem::path>{file});
}

TEST(Targets, ParseAndCheckByInterval) {
  const auto pass =
      check(stats::read_targets_file(kData + "targets_pass.json"), kData + "run_a.json");
  ASSERT_EQ(pass.size(), 4u);
  for (const auto& r : pass) {
    EXPECT_EQ(r.outcome, stats::TargetOutcome::kMet) << r.target.benchmark;
    ASSERT_TRUE(r.interval.has_value());
    EXPECT_LE(r.interval->upper, r.target.max ? *r.target.max : *r.target.max_ratio);
  }
  EXPECT_EQ(pass[3].target.to, "BM_Steady");
  const auto fail =
      check(stats::read_targets_file(kData + "targets_fail.json"), kData + "run_a.json");
  EXPECT_EQ(fail[0].outcome, stats::TargetOutcome::kMissed);
  EXPECT_GT(fail[0].interval->lower, *fail[0].target.max);
  EXPECT_EQ(fail[1].outcome, stats::TargetOutcome::kMet);
  EXPECT_THROW(
      check(stats::read_targets_file(kData + "targets_unknown.json"), kData + "run_a.json"),
      stats::StatsError);
  // A limit inside the interval is inconclusive: neither met nor missed.
  const std::vector<stats::Target> tight = {
      {"BM_Dispatch/64", "real_time", pass[0].measured, {}, "", ""}};
  const auto t = check(tight, kData + "run_a.json")[0];
  EXPECT_EQ(t.outcome, stats::TargetOutcome::kInconclusive);
  EXPECT_STREQ(stats::target_outcome_name(t.outcome), "inconclusive");
  EXPECT_THROW(stats::parse_targets(R"([{"benchmark": "a"}])", "t.json"), stats::StatsError);
  EXPECT_THROW(stats::parse_targets(R"([{"benchmark": "a", "max_ratio": 2}])", "t.json"),
               stats::StatsError);
  EXPECT_THROW(stats::parse_targets(R"([{"benchmark": "a", "max": -1}])", "t.json"),
               stats::StatsError);
  EXPECT_THROW(stats::parse_targets("[", "t.json"), stats::StatsError);
}

TEST(Targets, ASingleRepetitionIsJudgedOnItsValue) {
  const auto one =
      check({{"BM_Once", "real_time", 1e12, {}, "", ""}}, kData + "single_repetition.json")[0];
  EXPECT_FALSE(one.interval.has_value());
  EXPECT_TRUE(one.judged_on_value);
  EXPECT_EQ(one.outcome, stats::TargetOutcome::kMet);
  const auto over =
      check({{"BM_Once", "real_time", 1e-3, {}, "", ""}}, kData + "single_repetition.json")[0];
  EXPECT_EQ(over.outcome, stats::TargetOutcome::kMissed);
}

TEST(GbenchJson, BareNonFiniteValuesAreReadAsMissing) {
  EXPECT_EQ(stats::null_non_finite_literals(R"({"a": NaN, "b": -inf, "c": "NaN inf", "d": 1})"),
            R"({"a": null, "b": null, "c": "NaN inf", "d": 1})");
  // A cv aggregate of a constant counter is 0/0: the file must still be readable.
  const std::string text = R"({"benchmarks": [
    {"name": "x", "run_name": "x", "run_type": "iteration", "real_time": 2, "time_unit": "ns", "c": 0},
    {"name": "x", "run_name": "x", "run_type": "iteration", "real_time": 4, "time_unit": "ns", "c": 0},
    {"name": "x_cv", "run_name": "x", "run_type": "aggregate", "real_time": 0.5, "time_unit": "ns", "c": NaN}]})";
  const auto series = stats::parse_gbench_json(text, "real_time", "t.json");
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].values, (std::vector<double>{2, 4}));
}

TEST(Targets, RatioAgainstAnotherMetric) {
  // A residual counter against a floor's wall time: the reference reads `to_metric`.
  const auto checked = check(stats::parse_targets(R"([
        {"benchmark": "BM_Dispatch/64", "metric": "items_per_second", "max": 1e300},
        {"benchmark": "BM_Dispatch/64", "metric": "real_time", "max": 1e300},
        {"benchmark": "BM_Dispatch/64", "metric": "items_per_second", "max_ratio": 1e300,
         "to": "BM_Dispatch/64", "to_metric": "real_time"}])",
                                                  "t.json"),
                             kData + "run_a.json");
  ASSERT_EQ(checked.size(), 3u);
  EXPECT_NEAR(checked[2].measured, checked[0].measured / checked[1].measured,
              1e-12 * checked[2].measured);
  EXPECT_THROW(stats::parse_targets(
                   R"([{"benchmark": "a", "max_ratio": 2, "to": "b", "to_metric": 3}])", "t.json"),
               stats::StatsError);
}

}  // namespace
