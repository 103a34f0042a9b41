// The published run (results/2026-12-02-five-frameworks, 3 processes per framework) read by
// today's legion-compare: no row contradicts its interval any more (that run's own table put
// "no significant difference" beside CIs wholly above 1, e.g. LangChain's cold start 4,159x
// [2,998, 10,047]), the A/A row is out of the families and geometric means, and the summary
// fits in 100 columns.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
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
