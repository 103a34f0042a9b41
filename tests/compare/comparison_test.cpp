// compare_frameworks on the synthetic legion-bench outputs in tests/data/compare
// (make_fixtures.py): pairing, baseline, error rows, flags, families per framework, the 2x
// framework, bad input.

#include "compare/comparison.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "compare/input_error.hpp"
#include "compare/report.hpp"
#include "compare/run_file.hpp"
#include "stats/correction.hpp"

namespace {

using legion::compare::Comparison;
using legion::compare::InputError;
using legion::compare::Options;
using legion::compare::ProcessRun;
using legion::compare::Row;
using legion::compare::Status;

const std::string kData = std::string(LEGION_TEST_DATA_DIR) + "/compare/";

std::vector<ProcessRun> load(const std::vector<std::string>& names) {
  std::vector<ProcessRun> runs;
  for (const auto& n : names) runs.push_back(legion::compare::read_process_run(kData + n));
  return runs;
}

std::vector<ProcessRun> all_fixtures() {
  return load({"legion.1.json", "legion.2.json", "legion.3.json", "slow.1.json", "slow.2.json",
               "slow.3.json", "direct.1.json", "direct.2.json", "direct.3.json"});
}

Options fast() {
  return Options{};
}

const Row& row(const Comparison& c, const std::string& benchmark, const std::string& framework) {
  const auto it = std::find_if(c.rows.begin(), c.rows.end(), [&](const Row& r) {
    return r.benchmark == benchmark && r.framework == framework;
  });
  if (it == c.rows.end()) throw std::runtime_error("no row " + benchmark + " " + framework);
  return *it;
}

// A minimal legion-bench file in memory.
ProcessRun inline_run(const std::string& framework, const std::string& source,
                      const std::string& entries) {
  const std::string context =
      framework.empty() ? "{}" : R"({"framework": ")" + framework + R"(", "seed": 1})";
  return legion::compare::parse_process_run(
      R"({"context": )" + context + R"(, "benchmarks": [)" + entries + "]}", source);
}

std::string rep(const std::string& name, double us, const std::string& label = "aa") {
  return R"({"name": ")" + name + R"(", "run_type": "iteration", "real_time": )" +
         std::to_string(us) + R"(, "time_unit": "us", "model_calls": 1, "label": ")" + label +
         R"("})";
}

TEST(Comparison, PairsTheSameBenchmarksAcrossFrameworksWithTheBaselineFirst) {
  const auto c = legion::compare::compare_frameworks(all_fixtures(), fast());
  ASSERT_EQ(c.frameworks.size(), 3u);
  EXPECT_EQ(c.frameworks[0].name, "legion");
  EXPECT_EQ(c.frameworks[0].files.size(), 3u);
  EXPECT_EQ(c.frameworks[2].files.size(), 3u);
  // 7 benchmarks x 2 frameworks; construction rows first, concurrency last.
  ASSERT_EQ(c.rows.size(), 14u);
  EXPECT_EQ(c.rows.front().regime, "construction");
  EXPECT_EQ(c.rows.back().regime, "concurrency");
  const auto& r = row(c, "large_context_retrieval/docs=1000/hot", "slow");
  EXPECT_EQ(r.scenario, "large_context_retrieval");
  EXPECT_EQ(r.regime, "hot");
  EXPECT_EQ(r.status, Status::kCompared);
  EXPECT_EQ(r.baseline->processes, 3u);
  EXPECT_EQ(r.candidate->repetitions, (std::vector<std::size_t>{5, 5, 5}));
  EXPECT_EQ(r.candidate->files.size(), 3u);
  EXPECT_EQ(r.stats->n_a, 3u);  // process means are the samples
  EXPECT_EQ(r.stats->ci_method, "banerjee_log_bonferroni");
}

TEST(Comparison, ATwiceAsSlowFrameworkHasARatioIntervalAroundTwo) {
  const auto c = legion::compare::compare_frameworks(all_fixtures(), fast());
  for (const auto& r : c.rows) {
    if (r.framework != "slow") continue;
    ASSERT_EQ(r.status, Status::kCompared) << r.benchmark;
    EXPECT_TRUE(r.stats->ratio_interval.contains(2.0)) << r.benchmark;
    EXPECT_FALSE(r.stats->ratio_interval.contains(1.0)) << r.benchmark;
    EXPECT_EQ(r.stats->verdict, "slower") << r.benchmark;
    EXPECT_TRUE(r.flags.empty()) << r.benchmark;
  }
}

TEST(Comparison, BaselineIsSelectable) {
  auto o = fast();
  o.baseline = "slow";
  const auto c = legion::compare::compare_frameworks(all_fixtures(), o);
  EXPECT_EQ(c.frameworks[0].name, "slow");
  const auto& r = row(c, "simple_task/hot", "legion");
  EXPECT_TRUE(r.stats->ratio_interval.contains(0.5));
  EXPECT_EQ(r.stats->verdict, "faster");
}

TEST(Comparison, UnknownBaselineIsBadInput) {
  auto o = fast();
  o.baseline = "langgraph";
  try {
    legion::compare::compare_frameworks(all_fixtures(), o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("baseline 'langgraph'"), std::string::npos) << e.what();
  }
}

TEST(Comparison, UnsupportedAndFailedBenchmarksAreRowsWithoutRatio) {
  const auto c = legion::compare::compare_frameworks(all_fixtures(), fast());
  const auto& u = row(c, "multi_agent_workflow/hot", "direct");
  EXPECT_EQ(u.status, Status::kUnsupported);
  EXPECT_EQ(u.reason, "direct has no agents");
  EXPECT_FALSE(u.stats.has_value());
  const auto& f = row(c, "code_generation_execution/hot", "direct");
  EXPECT_EQ(f.status, Status::kFailed);
  EXPECT_EQ(f.reason, "validation failed: wrong answer");
  EXPECT_FALSE(f.stats.has_value());
  // Rows without a ratio stay out of the geometric mean but are counted.
  for (const auto& g : c.geomeans) {
    if (g.framework == "direct" && g.regime == "hot") {
      EXPECT_EQ(g.excluded.size(), 2u);
      EXPECT_EQ(g.benchmarks, 3u);
    }
  }
}

// Two processes of a framework from the same entries (one file is one process).
std::vector<ProcessRun> two_processes(const std::string& framework, const std::string& entries) {
  auto a = inline_run(framework, framework + ".1.json", entries);
  auto b = inline_run(framework, framework + ".2.json", entries);
  return {a, b};
}

std::vector<ProcessRun> joined(std::vector<ProcessRun> a, const std::vector<ProcessRun>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Comparison, BaselineErrorsAreReportedOnTheFrameworksRow) {
  const auto base =
      two_processes("legion",
                    R"({"name": "x/hot", "run_type": "iteration", "error_occurred": true,
                              "error_message": "unsupported: no x"}, )" +
                        rep("y/hot", 10) + "," + rep("y/hot", 11));
  const auto other =
      two_processes("other", rep("x/hot", 10) + "," + rep("x/hot", 11) + "," + rep("y/hot", 20) +
                                 "," + rep("y/hot", 21) + "," + rep("z/hot", 1));
  const auto c = legion::compare::compare_frameworks(joined(base, other), fast());
  EXPECT_EQ(row(c, "x/hot", "other").status, Status::kBaselineUnsupported);
  EXPECT_EQ(row(c, "x/hot", "other").reason, "no x");
  EXPECT_EQ(row(c, "y/hot", "other").status, Status::kCompared);
  EXPECT_EQ(row(c, "z/hot", "other").status, Status::kMissingInBaseline);
}

TEST(Comparison, DifferentHashesAndModelCallsAreFlagged) {
  const auto c = legion::compare::compare_frameworks(all_fixtures(), fast());
  const auto& r = row(c, "large_context_retrieval/docs=10000/hot", "direct");
  EXPECT_EQ(r.status, Status::kCompared);  // still compared: a finding, not hidden
  EXPECT_NE(std::find(r.flags.begin(), r.flags.end(), "different work: hashes differ"),
            r.flags.end());
  EXPECT_NE(std::find(r.flags.begin(), r.flags.end(), "model calls differ"), r.flags.end());
  EXPECT_TRUE(row(c, "simple_task/hot", "direct").flags.empty());
}

TEST(Comparison, EachFrameworksRowsAreOneFamily) {
  const auto c = legion::compare::compare_frameworks(all_fixtures(), fast());
  EXPECT_EQ(c.family_rows.at("slow"), 7u);
  EXPECT_EQ(c.family_rows.at("direct"), 5u);  // 7 rows, 2 without a ratio
  for (const auto& r : c.rows) {
    if (!r.stats) continue;
    const double level = 1.0 - 0.05 / static_cast<double>(c.family_rows.at(r.framework));
    EXPECT_NEAR(r.stats->ratio_interval.level, level, 1e-15) << r.benchmark << " " << r.framework;
  }
  // Holm (supplementary) within the family, not across the run.
  std::vector<double> raw;
  std::vector<double> adjusted;
  for (const auto& r : c.rows) {
    if (!r.stats || r.framework != "direct") continue;
    raw.push_back(r.stats->welch_p);
    adjusted.push_back(r.stats->welch_p_holm);
  }
  EXPECT_EQ(adjusted, stats::holm(raw));
}

TEST(Comparison, AddingAFrameworkChangesNoOtherFrameworksVerdicts) {
  const auto two =
      legion::compare::compare_frameworks(load({"legion.1.json", "legion.2.json", "legion.3.json",
                                                "slow.1.json", "slow.2.json", "slow.3.json"}),
                                          fast());
  const auto three = legion::compare::compare_frameworks(all_fixtures(), fast());
  for (const auto& r : two.rows) {
    const Row& same = row(three, r.benchmark, r.framework);
    ASSERT_TRUE(r.stats && same.stats);
    EXPECT_EQ(r.stats->verdict_text, same.stats->verdict_text);
    EXPECT_EQ(r.stats->ratio_interval.lower, same.stats->ratio_interval.lower);
    EXPECT_EQ(r.stats->ratio_interval.upper, same.stats->ratio_interval.upper);
  }
}

TEST(Comparison, AFrameworkWithOneProcessIsBadInput) {
  try {
    legion::compare::compare_frameworks(
        load({"legion.1.json", "legion.2.json", "legion.3.json", "direct.1.json"}), fast());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("framework 'direct' has 1 process"), std::string::npos)
        << e.what();
  }
}

TEST(Comparison, ARowWithOneProcessIsBadInput) {
  // Both frameworks have two files, but the framework's second process lacks y/hot.
  const auto base = two_processes("legion", rep("x/hot", 10) + "," + rep("x/hot", 11) + "," +
                                                rep("y/hot", 10) + "," + rep("y/hot", 11));
  const auto one = inline_run(
      "other", "other.1.json",
      rep("x/hot", 10) + "," + rep("x/hot", 11) + "," + rep("y/hot", 20) + "," + rep("y/hot", 21));
  const auto two = inline_run("other", "other.2.json", rep("x/hot", 10) + "," + rep("x/hot", 11));
  try {
    legion::compare::compare_frameworks(joined(base, {one, two}), fast());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("benchmark 'y/hot': framework 'other' has it from 1 "
                                         "process (other.1.json)"),
              std::string::npos)
        << e.what();
  }
}

TEST(Comparison, SameFileTwiceIsBadInput) {
  EXPECT_THROW(legion::compare::compare_frameworks(
                   load({"legion.1.json", "legion.1.json", "slow.1.json"}), fast()),
               InputError);
}

TEST(Comparison, EveryProcessMustShareTheSeed) {
  auto base = two_processes("legion", rep("x/hot", 10) + "," + rep("x/hot", 11));
  auto other = two_processes("other", rep("x/hot", 10) + "," + rep("x/hot", 11));
  auto same_framework = base;
  same_framework[1].context["seed"] = 2;
  EXPECT_THROW(legion::compare::compare_frameworks(joined(same_framework, other), fast()),
               InputError);
  // Across frameworks too: different seeds are different inputs.
  auto other_seed = other;
  for (auto& p : other_seed) p.context["seed"] = 2;
  try {
    legion::compare::compare_frameworks(joined(base, other_seed), fast());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("other.1.json: context.seed '2' differs from '1'"),
              std::string::npos)
        << e.what();
  }
}

TEST(Comparison, OnlyTheBaselineIsBadInput) {
  EXPECT_THROW(
      legion::compare::compare_frameworks(load({"legion.1.json", "legion.2.json"}), fast()),
      InputError);
}

TEST(RunFile, BadInputNamesTheFile) {
  try {
    legion::compare::read_process_run(kData + "no_framework.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("no_framework.json: context.framework"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(legion::compare::read_process_run(kData + "malformed.json"), InputError);
  EXPECT_THROW(legion::compare::read_process_run(kData + "absent.json"), InputError);
  EXPECT_THROW(inline_run("", "x.json", rep("x/hot", 1)), InputError);
  EXPECT_THROW(inline_run("legion", "x.json", R"({"name": "x/hot", "run_type": "iteration"})"),
               InputError);
}

// Found by tests/fuzz/gbench_json: out_of_range.406 (a number beyond a double's range) is not
// a parse_error and escaped legion-compare as raw exception text.
TEST(RunFile, ANumberOutOfRangeIsMalformedJson) {
  try {
    legion::compare::parse_process_run(R"({"context": {"framework": "x"}, "benchmarks": [1e999]})",
                                       "huge.json");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("huge.json: malformed JSON"), std::string::npos)
        << e.what();
  }
}

TEST(RunFile, AggregatesAreIgnoredAndRepetitionsKept) {
  const auto run = legion::compare::read_process_run(kData + "legion.1.json");
  EXPECT_EQ(run.framework, "legion");
  ASSERT_EQ(run.benchmarks.size(), 7u);
  EXPECT_EQ(run.benchmarks[1].name, "simple_task/hot");
  EXPECT_EQ(run.benchmarks[1].times_ns.size(), 5u);
  EXPECT_NEAR(run.benchmarks[1].times_ns[0], 100e3, 10e3);  // us -> ns
  EXPECT_EQ(run.benchmarks[1].labels, std::vector<std::string>{"1a2b3c4d5e6f7081"});
  EXPECT_EQ(run.benchmarks[1].counters.at("model_calls").size(), 5u);
}

}  // namespace

namespace {

TEST(RunFile, ReadsGoogleBenchmarksBareNaNInAggregates) {
  // legion-bench's cv aggregate of a constant counter is 0/0, written as a bare NaN.
  const ProcessRun run = legion::compare::parse_process_run(R"({
    "context": {"framework": "legion", "framework_version": "0.1.0"},
    "benchmarks": [
      {"name": "s/hot/real_time", "run_name": "s/hot/real_time", "run_type": "iteration",
       "real_time": 2.0, "cpu_time": 2.0, "time_unit": "us", "model_calls": 1},
      {"name": "s/hot/real_time_cv", "run_name": "s/hot/real_time", "run_type": "aggregate",
       "aggregate_name": "cv", "real_time": 0.0, "cpu_time": 0.0, "time_unit": "us",
       "model_calls": NaN}]})",
                                                            "nan.json");
  ASSERT_EQ(run.benchmarks.size(), 1u);
  EXPECT_EQ(run.benchmarks[0].times_ns, (std::vector<double>{2000.0}));
}

}  // namespace

namespace {

// One repetition carrying extra counters (a JSON fragment such as `"delegations": 3`).
std::string rep_with(const std::string& name, double us, const std::string& counters) {
  return R"({"name": ")" + name + R"(", "run_type": "iteration", "real_time": )" +
         std::to_string(us) + R"(, "time_unit": "us", "iterations": 10, "model_calls": 7, )" +
         counters + R"(, "label": "aa"})";
}

std::vector<ProcessRun> delegating_runs() {
  std::vector<ProcessRun> runs;
  for (int p = 0; p < 3; ++p) {
    std::string base, framework;
    for (int r = 0; r < 3; ++r) {
      const double jitter = 0.01 * (p + r);
      base += (r ? "," : "") +
              rep_with("hierarchical/hot", 10.0 * (1 + jitter), R"("rss_bytes": 1)") + "," +
              rep_with("hierarchical/construction", 2.0, R"("heap_per_agent_bytes": 2048)");
      framework += (r ? "," : "") +
                   rep_with("hierarchical/hot", 3010.0 * (1 + jitter),
                            R"("delegations": 3, "messages_between_agents": 6)") +
                   "," +
                   rep_with("hierarchical/construction", 200.0, R"("heap_per_agent_bytes": 40960)");
    }
    runs.push_back(inline_run("legion", "legion." + std::to_string(p), base));
    runs.push_back(inline_run("crewai", "crewai." + std::to_string(p), framework));
  }
  return runs;
}

TEST(Comparison, AdaptersOwnFiguresAreShownSideBySide) {
  const Comparison c = legion::compare::compare_frameworks(delegating_runs(), fast());
  const Row& r = row(c, "hierarchical/hot", "crewai");
  ASSERT_EQ(r.figures.size(), 2u);  // harness counters (rss_bytes, model_calls) are not figures
  EXPECT_EQ(r.figures[0].name, "delegations");
  EXPECT_FALSE(r.figures[0].baseline.has_value());
  EXPECT_EQ(r.figures[0].candidate, 3.0);
  EXPECT_EQ(r.figures[1].name, "messages_between_agents");
}

TEST(Comparison, OverheadPerDelegationIsTheExtraTimeOverTheFrameworksDelegations) {
  const Comparison c = legion::compare::compare_frameworks(delegating_runs(), fast());
  const Row& r = row(c, "hierarchical/hot", "crewai");
  ASSERT_EQ(r.derived.size(), 1u);
  EXPECT_EQ(r.derived[0].name, "overhead_per_delegation_ns");
  // Both sides scaled by the same jitter, process means 1.01, 1.02, 1.03 of the nominal: the
  // ratio is 301 exactly, the baseline's geometric mean 10 us x GM(1.01, 1.02, 1.03), so the
  // overhead is 300 x that / 3 delegations.
  EXPECT_NEAR(r.derived[0].value, 10e3 * std::cbrt(1.01 * 1.02 * 1.03) * 300.0 / 3.0, 1e-6);
  EXPECT_LT(r.derived[0].interval.lower, r.derived[0].value);
  EXPECT_GT(r.derived[0].interval.upper, r.derived[0].value);
  EXPECT_TRUE(row(c, "hierarchical/construction", "crewai").derived.empty());
}

// Three processes of `framework`, each repetition with `tokens` (a JSON fragment).
std::vector<ProcessRun> token_runs(const std::string& framework, const std::string& tokens) {
  std::vector<ProcessRun> runs;
  for (int p = 0; p < 3; ++p) {
    std::string entries;
    for (int r = 0; r < 3; ++r) {
      entries += (r ? "," : "") + rep_with("simple_task/hot", 10.0 * (1 + 0.01 * (p + r)), tokens);
    }
    runs.push_back(inline_run(framework, framework + "." + std::to_string(p), entries));
  }
  return runs;
}

TEST(RunFile, ReadsTheTokenCountersOfAFileFromBeforeTheirRenameUnderTodaysNames) {
  // legion-bench wrote prompt_tokens / completion_tokens as tokens_in / tokens_out until
  // 2026-12-04; every results/ run up to then has the old names.
  const ProcessRun old = token_runs("legion", R"("tokens_in": 120, "tokens_out": 40)")[0];
  const auto& counters = old.benchmarks.at(0).counters;
  EXPECT_EQ(counters.at("prompt_tokens"), (std::vector<double>{120, 120, 120}));
  EXPECT_EQ(counters.at("completion_tokens"), (std::vector<double>{40, 40, 40}));
  EXPECT_EQ(counters.count("tokens_in"), 0u);
  EXPECT_EQ(counters.count("tokens_out"), 0u);
  // Both names in one entry (not something legion-bench writes): the current one counts, once.
  const ProcessRun both =
      token_runs("legion", R"("tokens_in": 1, "prompt_tokens": 120, "completion_tokens": 40)")[0];
  EXPECT_EQ(both.benchmarks.at(0).counters.at("prompt_tokens"),
            (std::vector<double>{120, 120, 120}));
}

TEST(Comparison, AnOldFileAndANewOneAreCheckedForTheSameTokens) {
  auto runs = token_runs("legion", R"("tokens_in": 120, "tokens_out": 40)");
  const auto same = token_runs("direct", R"("prompt_tokens": 120, "completion_tokens": 40)");
  const auto more = token_runs("crewai", R"("prompt_tokens": 180, "completion_tokens": 40)");
  runs.insert(runs.end(), same.begin(), same.end());
  runs.insert(runs.end(), more.begin(), more.end());
  const Comparison c = legion::compare::compare_frameworks(runs, fast());
  EXPECT_TRUE(row(c, "simple_task/hot", "direct").flags.empty());
  const auto& flags = row(c, "simple_task/hot", "crewai").flags;
  EXPECT_NE(std::find(flags.begin(), flags.end(), "tokens differ"), flags.end());
  // The old names are harness counters under their new names, not an adapter's own figures.
  EXPECT_TRUE(row(c, "simple_task/hot", "direct").figures.empty());
}

TEST(Report, MemoryColumnShowsHeapPerAgentAndFiguresTable) {
  const Comparison c = legion::compare::compare_frameworks(delegating_runs(), fast());
  std::ostringstream out;
  legion::compare::print_full(out, c);
  const std::string text = out.str();
  EXPECT_NE(text.find("2 KiB/agent / 40 KiB/agent"), std::string::npos) << text;
  EXPECT_NE(text.find("overhead_per_delegation_ns"), std::string::npos) << text;
  const auto json = legion::compare::to_json(c);
  bool found = false;
  for (const auto& row : json["comparisons"]) {
    if (row["benchmark"] == "hierarchical/hot" && row["framework"] == "crewai") {
      found = true;
      EXPECT_EQ(row["derived"][0]["units"], "delegations");
      EXPECT_EQ(row["figures"][0]["candidate"], 3.0);
      EXPECT_TRUE(row["figures"][0]["baseline"].is_null());
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace

namespace {

// A framework's processes in-process and over HTTP (context.transport), the HTTP ones 1.5x as
// slow; `deterministic` goes into the HTTP files' context when given.
std::vector<ProcessRun> transport_runs(const std::string& deterministic = "") {
  std::vector<ProcessRun> runs;
  for (int p = 0; p < 3; ++p) {
    std::string inproc, http;
    for (int r = 0; r < 3; ++r) {
      const double jitter = 1.0 + 0.01 * (p + r);
      inproc +=
          std::string(r ? "," : "") + rep_with("simple_task/hot", 100.0 * jitter, R"("x": 1)");
      http += std::string(r ? "," : "") + rep_with("simple_task/hot", 150.0 * jitter, R"("x": 1)");
    }
    const std::string k = std::to_string(p);
    runs.push_back(legion::compare::parse_process_run(
        R"({"context": {"framework": "langchain", "seed": 1}, "benchmarks": [)" + inproc + "]}",
        "langchain." + k));
    runs.push_back(legion::compare::parse_process_run(
        R"({"context": {"framework": "langchain", "seed": 1, "transport": "http")" +
            (deterministic.empty() ? "" : R"(, "deterministic": ")" + deterministic + "\"") +
            R"(}, "benchmarks": [)" + http + "]}",
        "langchain-http." + k));
  }
  return runs;
}

TEST(Comparison, OverHttpAFrameworkIsItsOwnContestantWithTheClientStackCost) {
  Options options = fast();
  options.baseline = "langchain";
  const Comparison c = legion::compare::compare_frameworks(transport_runs(), options);
  ASSERT_EQ(c.frameworks.size(), 2u);
  EXPECT_EQ(c.frameworks[1].name, "langchain@http");
  const Row& r = row(c, "simple_task/hot", "langchain@http");
  ASSERT_TRUE(r.stats.has_value());
  EXPECT_NEAR(r.stats->ratio, 1.5, 1e-9);
  ASSERT_EQ(r.derived.size(), 1u);
  EXPECT_EQ(r.derived[0].name, "client_stack_ns");
  EXPECT_EQ(r.derived[0].units, "iteration");
  // 0.5 x the baseline's geometric mean (100 us x the jitters' GM): 50 us and a bit.
  EXPECT_NEAR(r.derived[0].value, 0.5 * r.baseline->geomean_ns, 1e-6);
  EXPECT_LT(r.derived[0].interval.lower, r.derived[0].value);
  EXPECT_GT(r.derived[0].interval.upper, r.derived[0].value);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(Comparison, ARealModelRunIsFlaggedNotDeterministic) {
  Options options = fast();
  options.baseline = "langchain";
  const Comparison c =
      legion::compare::compare_frameworks(transport_runs("false: a real model"), options);
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_NE(c.warnings[0].find("langchain@http: not deterministic"), std::string::npos);
}

}  // namespace
