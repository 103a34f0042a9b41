// The published run (results/2026-12-02-five-frameworks, 3 processes per framework) read by
// today's legion-compare: no row contradicts its interval any more (that run's own table put
// "no significant difference" beside CIs wholly above 1, e.g. LangChain's cold start 4,159x
// [2,998, 10,047]), the A/A row is out of the families and geometric means, and the summary
// fits in 100 columns.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "compare/comparison.hpp"
#include "compare/report.hpp"
#include "support/verdict_invariant.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kRun = fs::path(LEGION_SOURCE_DIR) / "results" / "2026-12-02-five-frameworks";

legion::compare::Comparison published() {
  std::vector<legion::compare::ProcessRun> runs;
  for (const char* framework : {"legion", "direct", "langchain", "autogen", "crewai"}) {
    for (int k = 1; k <= 3; ++k) {
      runs.push_back(legion::compare::read_process_run(
          kRun / (std::string(framework) + "." + std::to_string(k) + ".json")));
    }
  }
  return legion::compare::compare_frameworks(runs, {});
}

TEST(PublishedRun, NoVerdictContradictsItsInterval) {
  const auto c = published();
  const auto json = legion::compare::to_json(c);
  int compared = 0;
  for (const auto& row : json["comparisons"]) {
    if (row["stats"].is_null()) continue;
    ++compared;
    const std::string wrong = legion_test::verdict_disagreement(row["stats"]);
    EXPECT_TRUE(wrong.empty()) << row["benchmark"] << " " << row["framework"] << ": " << wrong;
  }
  EXPECT_GT(compared, 150);
  for (const auto& r : c.rows) {
    if (r.framework == "langchain" && r.regime == "cold_start") {
      ASSERT_TRUE(r.stats.has_value());
      EXPECT_TRUE(r.stats->verdict == "slower" || r.stats->verdict == "inconclusive")
          << r.stats->verdict_text;
      if (r.stats->verdict == "inconclusive") {
        EXPECT_TRUE(r.stats->needs.has_value());
      }
    }
  }
}

TEST(PublishedRun, TheZeroLatencyCriterionLinesAgreeWithTheirIntervals) {
  const auto json = legion::compare::to_json(published());
  const auto& criteria = json["criteria"];
  EXPECT_EQ(criteria["latency_regime"], "zero_latency");
  int lines = 0;
  for (const auto& line : criteria["lines"]) {
    ++lines;
    EXPECT_EQ(line["criterion"], "legion_within_20pct_of_langchain");
    const std::string wrong = legion_test::criterion_disagreement(line);
    EXPECT_TRUE(wrong.empty()) << line.dump() << ": " << wrong;
  }
  EXPECT_GE(lines, 20);  // every hot and concurrency benchmark both ran
  EXPECT_TRUE(json["latency"].is_null());
}

TEST(PublishedRun, TheAARowIsJudgedByTheGateNotCountedAsAComparison) {
  const auto c = published();
  EXPECT_NE(c.aa_gate.status, "absent");
  EXPECT_EQ(c.aa_gate.frameworks.size(), 4u);
  for (const auto& [framework, m] : c.family_rows) {
    EXPECT_LE(m, 45u) << framework;  // 46 benchmarks, the A/A row not among them
  }
  for (const auto& g : c.geomeans) {
    for (const auto& b : g.excluded) EXPECT_EQ(b.find("harness/"), std::string::npos) << b;
  }
}

TEST(PublishedRun, ItsTokenCountersAreReadUnderTodaysNames) {
  // The run's files call them tokens_in / tokens_out (legion-bench's names until 2026-12-04).
  const auto c = published();
  int rows = 0;
  for (const auto& r : c.rows) {
    if (r.regime != "hot" || r.status != legion::compare::Status::kCompared) continue;
    ++rows;
    for (const auto* side : {&*r.baseline, &*r.candidate}) {
      EXPECT_EQ(side->counters.count("tokens_in"), 0u) << r.benchmark;
      EXPECT_EQ(side->counters.count("prompt_tokens"), 1u) << r.benchmark;
      EXPECT_EQ(side->counters.count("completion_tokens"), 1u) << r.benchmark;
    }
    // (CrewAI's own tokens_between_agents is a figure, rightly.)
    EXPECT_TRUE(std::none_of(r.figures.begin(), r.figures.end(), [](const auto& f) {
      return f.name == "tokens_in" || f.name == "tokens_out";
    })) << r.benchmark;
  }
  EXPECT_GT(rows, 20);
}

TEST(PublishedRun, TheSummaryFitsIn100Columns) {
  std::ostringstream out;
  legion::compare::print_summary(out, published());
  std::istringstream lines(out.str());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    ++n;
    EXPECT_LE(line.size(), 100u) << line;
  }
  EXPECT_GT(n, 100);
}

}  // namespace

// The quiet default run results/2026-12-04-default-run-2 (118 processes, 7 frameworks; its
// calibration means spread ~4%): the rule names its 2 far-out processes, where the gate's
// bounds alone named 23 of them and made a run whose gate passed exit 3.
TEST(PublishedRun, TheQuietDefaultRunNamesOnlyItsFarOutProcesses) {
  const fs::path run = fs::path(LEGION_SOURCE_DIR) / "results" / "2026-12-04-default-run-2";
  std::vector<legion::compare::ProcessRun> runs;
  for (const auto& entry : fs::directory_iterator(run)) {
    const std::string name = entry.path().filename().string();
    const auto dot = name.find('.');
    if (name.ends_with(".json") && dot != std::string::npos && std::isdigit(name[dot + 1])) {
      runs.push_back(legion::compare::read_process_run(entry.path()));
    }
  }
  ASSERT_EQ(runs.size(), 118u);
  legion::compare::Options options;
  options.baseline = "legion";
  options.stats.looks = 4;  // as the driver ran it
  const auto c = legion::compare::compare_frameworks(runs, options);
  ASSERT_EQ(c.aa_gate.spread.size(), 1u);
  const auto& spread = c.aa_gate.spread[0];
  EXPECT_EQ(spread.benchmark, "harness/calibration/hot/real_time");
  EXPECT_EQ(spread.processes, 118u);
  ASSERT_TRUE(spread.fence_lower && spread.fence_upper);
  EXPECT_NEAR(*spread.fence_lower, 0.894, 0.001);
  EXPECT_NEAR(*spread.fence_upper, 1.146, 0.001);
  std::set<std::string> named;
  for (const auto& f : c.aa_gate.frameworks) {
    for (const auto& o : f.outlying) named.insert(fs::path(o.file).filename().string());
  }
  EXPECT_EQ(named, (std::set<std::string>{"crewai.3.json", "crewai.14.json"}));
  // Every process once (LEGION's are on the baseline side of each framework's row).
  std::map<std::string, double> means;
  for (const auto& r : c.rows) {
    if (r.benchmark != spread.benchmark || !r.stats) continue;
    for (const auto* side : {&*r.baseline, &*r.candidate}) {
      for (std::size_t i = 0; i < side->files.size(); ++i) {
        means[side->files[i]] = side->process_means_ns[i];
      }
    }
  }
  ASSERT_EQ(means.size(), 118u);
  std::size_t outside_bounds = 0;
  for (const auto& [file, mean] : means) {
    const double ratio = mean / spread.median_ns;
    outside_bounds += ratio < 0.95 || ratio > 1.05;
  }
  EXPECT_EQ(outside_bounds, 23u);
}
