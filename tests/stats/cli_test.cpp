// legion-stats end to end: output, exit status 0 / 1 (missed target) / 2 (bad input).

#include <gtest/gtest.h>

#include <string>

#include "support/run_command.hpp"

namespace {

const std::string kData = std::string(LEGION_TEST_DATA_DIR) + "/stats/";

using legion_test::CommandResult;

CommandResult run(const std::string& args) {
  return legion_test::run_command(std::string(LEGION_BIN_DIR) + "/legion-stats " + args + " 2>&1");
}

bool has(const std::string& text, const std::string& part) {
  return legion_test::contains(text, part);
}

TEST(Cli, SummaryPrintsEveryBenchmark) {
  const auto r = run("summary " + kData + "run_a.json");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(has(r.out, "BM_Dispatch/64")) << r.out;
  EXPECT_TRUE(has(r.out, "95% CI")) << r.out;
  EXPECT_TRUE(has(r.out, "outliers")) << r.out;
}

TEST(Cli, SummaryOfASingleRepetitionMarksTheIntervalNotAvailable) {
  const auto r = run("summary " + kData + "single_repetition.json");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(has(r.out, "BM_Once")) << r.out;
  EXPECT_TRUE(has(r.out, "n/a")) << r.out;
  const auto j = run("--format json summary " + kData + "single_repetition.json");
  EXPECT_EQ(j.status, 0) << j.out;
  EXPECT_TRUE(has(j.out, "\"ci\": null")) << j.out;
}

TEST(Cli, CompareTwoRunsWithDifferentRepetitionCounts) {
  const auto r = run("compare " + kData + "run_a.json " + kData + "run_b.json");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(has(r.out, "faster")) << r.out;
  EXPECT_TRUE(has(r.out, "slower")) << r.out;
  EXPECT_TRUE(has(r.out, "equivalent within 20%")) << r.out;
  EXPECT_TRUE(has(r.out, "98.33% CI")) << r.out;  // Bonferroni over 3 pairs
  EXPECT_TRUE(has(r.out, "Holm")) << r.out;
  EXPECT_TRUE(has(r.out, "only in B: BM_OnlyInB")) << r.out;
  const auto j = run("compare --format json " + kData + "run_a.json " + kData + "run_b.json");
  EXPECT_EQ(j.status, 0) << j.out;
  EXPECT_TRUE(has(j.out, "\"ratio_ci\"")) << j.out;
  EXPECT_TRUE(has(j.out, "\"welch_p_holm\"")) << j.out;
  EXPECT_TRUE(has(j.out, "\"mann_whitney_p\"")) << j.out;
  EXPECT_TRUE(has(j.out, "\"verdict_text\"")) << j.out;
  EXPECT_TRUE(has(j.out, "\"mde\"")) << j.out;
}

TEST(Cli, CheckJudgesByIntervalAndExitsOneOnlyOnAMissedTarget) {
  const auto pass = run("check --targets " + kData + "targets_pass.json " + kData + "run_a.json");
  EXPECT_EQ(pass.status, 0) << pass.out;
  EXPECT_TRUE(has(pass.out, "met")) << pass.out;
  EXPECT_TRUE(has(pass.out, "] vs <= 1500")) << pass.out;  // measured [CI] vs target
  EXPECT_TRUE(has(pass.out, "all targets met")) << pass.out;
  const auto fail = run("check --targets " + kData + "targets_fail.json " + kData + "run_a.json");
  EXPECT_EQ(fail.status, 1) << fail.out;
  EXPECT_TRUE(has(fail.out, "missed")) << fail.out;
  EXPECT_TRUE(has(fail.out, "1 of 2 targets MISSED")) << fail.out;
  const auto json =
      run("--format json check --targets " + kData + "targets_fail.json " + kData + "run_a.json");
  EXPECT_EQ(json.status, 1) << json.out;
  EXPECT_TRUE(has(json.out, "\"result\": \"missed\"")) << json.out;
  EXPECT_TRUE(has(json.out, "\"missed\": 1")) << json.out;
}

TEST(Cli, AnInconclusiveTargetExitsZeroWithAVisibleLine) {
  const auto r =
      run("check --targets " + kData + "targets_inconclusive.json " + kData + "run_a.json");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_TRUE(has(r.out, "inconclusive")) << r.out;
  EXPECT_TRUE(has(r.out, "1 of 1 targets inconclusive")) << r.out;
  EXPECT_FALSE(has(r.out, "all targets met")) << r.out;
}

TEST(Cli, BadInputExitsTwoWithOneLine) {
  const struct {
    const char* args;
    const char* says;
  } cases[] = {
      {"summary /nonexistent/results.json", "no such file"},
      {"summary MALFORMED", "malformed JSON"},
      {"compare SINGLE SINGLE", "n = 1"},
      {"frobnicate", "unknown subcommand 'frobnicate'"},
      {"summary RUN_A --no-such-flag", "--no-such-flag"},
      {"", "subcommand"},
      {"--format xml summary RUN_A", "--format"},
      {"check --targets UNKNOWN RUN_A", "no benchmark 'BM_Missing'"},
  };
  for (const auto& c : cases) {
    std::string args = c.args;
    for (const auto& [key, file] :
         {std::pair{"MALFORMED", "malformed.json"}, std::pair{"SINGLE", "single_repetition.json"},
          std::pair{"RUN_A", "run_a.json"}, std::pair{"UNKNOWN", "targets_unknown.json"}}) {
      for (auto at = args.find(key); at != std::string::npos; at = args.find(key)) {
        args.replace(at, std::string(key).size(), kData + file);
      }
    }
    const auto r = run(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_TRUE(has(r.out, c.says)) << args << "\n" << r.out;
    EXPECT_TRUE(has(r.out, "legion-stats: ")) << args << "\n" << r.out;
  }
}

}  // namespace
