// The run's summary: quality first, then what is left open.
#include "driver/run_summary.hpp"

#include <gtest/gtest.h>

namespace legion::driver {
namespace {

ProcessRecord record(const char* file, const char* framework, bool kept,
                     std::vector<std::string> flags = {}, int exit_status = 0) {
  ProcessRecord p;
  p.file = file;
  p.log = std::string(file).substr(0, std::string(file).size() - 5) + ".txt";
  p.framework = framework;
  p.kept = kept;
  p.flags = std::move(flags);
  p.exit_status = exit_status;
  return p;
}

RunFacts facts(const ComparisonView& view, const std::vector<ProcessRecord>& processes,
               std::vector<std::string> frameworks, double budget_s, double elapsed_s) {
  RunFacts f;
  f.view = &view;
  f.processes = &processes;
  f.frameworks = std::move(frameworks);
  f.budget_s = budget_s;
  f.elapsed_s = elapsed_s;
  return f;
}

TEST(RunSummary, ADisturbedRunSaysSoFirstAndNamesItsProcesses) {
  const std::vector<ProcessRecord> processes = {
      record("legion.1.json", "legion", true),
      record("slow.1.json", "slow", true, {"other processes used 1.20 cores (limit 0.25)"}),
      record("slow.2.json", "slow", false, {"other processes used 0.90 cores (limit 0.25)"})};
  ComparisonView v;
  v.aa_status = "disturbed";
  v.aa = {{"slow", "outside", 1.2, 1.1, 1.3, {}, {}}};
  RunFacts f = facts(v, processes, {"legion", "slow"}, 600, 590);
  f.looks_done = 3;
  f.looks_planned = 4;
  const std::vector<std::string> lines = run_summary(f);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0].rfind("RUN DISTURBED: ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[1], "A/A gate: disturbed; slow 1.2 [1.1, 1.3] outside");
  EXPECT_EQ(lines[2], "disturbed processes kept (1):");
  EXPECT_EQ(lines[3], "  slow.1.json (other processes used 1.20 cores (limit 0.25))");
  EXPECT_EQ(lines[4], "interference: 2 processes flagged, 0 replaced by a re-run, 0 dropped");
  EXPECT_TRUE(run_disturbed(&v, processes));
  f.accept_disturbed = true;
  EXPECT_EQ(run_summary(f)[0].rfind("RUN DISTURBED (accepted", 0), 0u);
}

// A flagged process its framework needs stays in the comparison: the summary says why beside
// its flag (run.json: `kept_flagged`).
TEST(RunSummary, AFlaggedProcessKeptSaysWhy) {
  std::vector<ProcessRecord> processes = {
      record("legion.1.json", "legion", true),
      record("crewai.2.json", "crewai", true, {"A/A outlier (crewai gate: inside)"})};
  processes[1].kept_flagged = "crewai needs 3 full processes; not re-run: no budget left";
  ComparisonView v;
  v.aa_status = "pass";
  const std::vector<std::string> lines =
      run_summary(facts(v, processes, {"legion", "crewai"}, 553, 550));
  ASSERT_GE(lines.size(), 4u);
  EXPECT_EQ(lines[0].rfind("RUN DISTURBED: ", 0), 0u) << lines[0];
  EXPECT_EQ(lines[2], "disturbed processes kept (1):");
  EXPECT_EQ(lines[3],
            "  crewai.2.json (A/A outlier (crewai gate: inside); kept: crewai needs 3 full "
            "processes; not re-run: no budget left)");
}

TEST(RunSummary, NamesTheProcessesDroppedAndSkippedForLackOfBudget) {
  std::vector<ProcessRecord> processes = {
      record("legion.1.json", "legion", true),
      record("direct.12.json", "direct", false, {"A/A outlier (direct gate: inside)"})};
  processes[1].dropped = "A/A outlier (direct gate: inside); not re-run: no budget left";
  const std::vector<SkippedProcess> skipped = {{"crewai", "rows", 32, 5, 48.0, 28.0}};
  ComparisonView v;
  v.aa_status = "pass";
  RunFacts f = facts(v, processes, {"legion", "direct", "crewai"}, 553, 540);
  f.skipped = &skipped;
  const std::vector<std::string> lines = run_summary(f);
  ASSERT_GE(lines.size(), 8u);
  EXPECT_EQ(lines[0], "A/A gate: pass");  // not disturbed: the outlier left the comparison
  EXPECT_EQ(lines[1], "dropped from the comparison, flagged with no re-run left (1):");
  EXPECT_EQ(lines[2],
            "  direct.12.json (A/A outlier (direct gate: inside); not re-run: no budget left)");
  EXPECT_EQ(lines[3], "interference: 1 processes flagged, 0 replaced by a re-run, 1 dropped");
  EXPECT_EQ(lines[6], "skipped for lack of budget (1):");
  EXPECT_EQ(lines[7], "  crewai rows (32 rows, round 5): forecast 48s, 28s left");
  EXPECT_FALSE(run_disturbed(&v, processes));
}

TEST(RunSummary, AQuietRunListsWhatIsLeftOpen) {
  const std::vector<ProcessRecord> processes = {record("legion.1.json", "legion", true),
                                                record("slow.1.json", "slow", true, {}, 1)};
  ComparisonView v;
  v.aa_status = "pass";
  ComparisonRow r;
  r.framework = "slow";
  r.benchmark = "code/hot";
  r.status = "compared";
  r.ratio = 1.04;
  r.lower = 0.8;
  r.upper = 1.35;
  r.rel_half_width = 0.26;
  r.verdict = "inconclusive";
  r.needs_processes = 9;
  v.rows = {r};
  RunFacts f;
  f.view = &v;
  f.processes = &processes;
  f.frameworks = {"legion", "slow"};
  f.notes = {"something to know"};
  const std::vector<std::string> lines = run_summary(f);
  EXPECT_FALSE(run_disturbed(&v, processes));
  const auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_EQ(lines[0], "A/A gate: pass");
  EXPECT_TRUE(has("processes kept: legion 1, slow 1"));
  EXPECT_TRUE(has("rows precise (relative half-width <= 10%): 0/1; widest slow code/hot +-26%"));
  EXPECT_TRUE(has("inconclusive rows: 1"));
  EXPECT_TRUE(has("  slow code/hot 1.04 [0.8, 1.35]: needs >= 9 processes"));
  EXPECT_TRUE(has("validation failed in slow.1.json (see slow.1.txt)"));
  EXPECT_TRUE(has("note: something to know"));
}

// An interval over 2 processes can span 48 orders of magnitude (crewai's 1,024-agent row in
// results/2026-12-04-default-run-2): it prints as legion-compare prints it, 4 significant digits
// and scientific notation, not as "[0.000, 7454378647936460321277870080.00]".
TEST(RunSummary, AbsurdBoundsPrintInScientificNotation) {
  const std::vector<ProcessRecord> processes = {record("legion.1.json", "legion", true)};
  ComparisonView v;
  v.aa_status = "disturbed";
  v.aa = {{"tiny", "outside", 3.2e-7, 1.5e-9, 2.5e20, {}, {}}};
  ComparisonRow r;
  r.framework = "crewai";
  r.benchmark = "concurrent_execution/agents=1024/concurrency";
  r.status = "compared";
  r.ratio = 3702.852;
  r.lower = 1.839e-21;
  r.upper = 7.454378647936460321277870080e27;
  r.rel_half_width = 55.96;
  r.verdict = "inconclusive";
  r.needs_processes = 3;
  v.rows = {r};
  RunFacts f;
  f.view = &v;
  f.processes = &processes;
  f.frameworks = {"legion", "crewai"};
  const std::vector<std::string> lines = run_summary(f);
  const auto has = [&](const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
  };
  EXPECT_EQ(lines[1], "A/A gate: disturbed; tiny 3.2e-07 [1.5e-09, 2.5e+20] outside");
  EXPECT_TRUE(
      has("  crewai concurrent_execution/agents=1024/concurrency 3703 [1.839e-21, "
          "7.454e+27]: needs >= 3 processes"));
}

TEST(RunSummary, SaysWhereTheTimeWent) {
  std::vector<ProcessRecord> processes = {
      record("legion.1.json", "legion", true), record("slow.1.json", "slow", true),
      record("slow.2.json", "slow", true), record("slow.3.json", "slow", false)};
  processes[0].kind = "full";
  processes[0].wall_s = 2;
  processes[1].kind = "full";
  processes[1].wall_s = 70;
  processes[2].kind = "cold_start";
  processes[2].wall_s = 3;
  processes[3].kind = "rerun";  // dropped, but its time was spent
  processes[3].wall_s = 15;
  RunFacts f;
  f.processes = &processes;
  f.frameworks = {"legion", "slow"};
  f.elapsed_s = 100;
  f.looks_s = 4;
  f.looks_done = 2;
  const std::vector<std::string> lines = time_lines(f);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0],
            "where the time went: 1m30s in 4 processes, 4.0s in 2 comparisons, 6.0s other "
            "(calibration, the driver)");
  EXPECT_EQ(lines[1], "  legion 2.0s: 1 full 2.0s");
  EXPECT_EQ(lines[2], "  slow 1m28s: 1 cold_start 3.0s, 1 full 1m10s, 1 rerun 15s");
  const std::vector<std::string> all = run_summary(f);
  EXPECT_EQ(std::vector<std::string>(all.end() - 3, all.end()), lines);
}

}  // namespace
}  // namespace legion::driver
