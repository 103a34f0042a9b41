// scripts/bench's framework part and argument handling, with a stand-in legion-bench
// (tests/data/compare/fake-legion-bench), the real legion-driver and legion-compare; no set-up,
// no build.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_command.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kData = fs::path(LEGION_TEST_DATA_DIR) / "compare";
const fs::path kScript = fs::path(LEGION_TEST_DATA_DIR) / ".." / ".." / "scripts" / "bench";

class BenchScript : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("legion-bench-script-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "bin");
    fs::create_directories(dir_ / "runs");
    fs::copy_file(kData / "fake-legion-bench", dir_ / "bin" / "legion-bench");
    fs::copy_file(kData / "fake-micro-bench", dir_ / "bin" / "legion-microbench");
    fs::copy_file(kData / "fake-micro-bench", dir_ / "bin" / "legion-stats-bench");
    fs::copy_file(kData / "fake-micro-bench", dir_ / "bin" / "legion-bridge-bench");
    fs::copy_file(kData / "fake-micro-bench", dir_ / "bin" / "legion-stress-bench");
    for (const char* exe : {"legion-compare", "legion-stats", "legion-driver"}) {
      fs::create_symlink(fs::path(LEGION_BIN_DIR) / exe, dir_ / "bin" / exe);
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  legion_test::CommandResult run(const std::string& args, const std::string& env = "") {
    // LEGION_NO_REPORT: the report has its own tests (label report).
    const std::string cmd = env + " LEGION_BENCH_NO_SETUP=1 LEGION_NO_REPORT=1 LEGION_BIN_DIR='" +
                            (dir_ / "bin").string() + "' LEGION_RUNS_DIR='" +
                            (dir_ / "runs").string() + "' LEGION_FAKE_FIXTURES='" + kData.string() +
                            "' " + kScript.string() + " " + args + " 2>'" +
                            (dir_ / "stderr").string() + "'";
    return legion_test::run_command(cmd);
  }
  std::string err() const {
    std::ifstream in(dir_ / "stderr");
    return {std::istreambuf_iterator<char>(in), {}};
  }
  // The single run directory the script created.
  fs::path run_dir() const {
    for (const auto& e : fs::directory_iterator(dir_ / "runs")) return e.path();
    return {};
  }

  fs::path dir_;
};

bool has(const std::string& text, const std::string& part) {
  return legion_test::contains(text, part);
}

TEST_F(BenchScript, RunsEachFrameworkAsSeveralProcessesThenCompares) {
  const auto r = run("--no-micro --framework legion --framework slow --processes 3 --seed 5");
  ASSERT_EQ(r.status, 0) << r.out << err();
  EXPECT_TRUE(has(r.out, "x slower than legion")) << r.out;
  EXPECT_TRUE(has(err(), "[6/6] ")) << err();
  const auto d = run_dir();
  for (const char* f : {"legion.1.json", "legion.3.json", "slow.2.json", "slow.3.txt",
                        "comparison.json", "comparison.txt", "run.json"}) {
    EXPECT_TRUE(fs::exists(d / f)) << f;
  }
  std::ifstream in(d / "comparison.json");
  const auto doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc["seed"], "42");  // the files' context.seed (the stand-in copies the fixtures)
  EXPECT_EQ(doc["frameworks"][1]["files"].size(), 3u);
  std::ifstream manifest(d / "run.json");
  const auto run_json = nlohmann::json::parse(manifest);
  EXPECT_EQ(run_json["mode"], "fixed");
  EXPECT_EQ(run_json["processes"].size(), 6u);
  EXPECT_EQ(run_json["seed"], 5);
}

// The default: a budget, three full processes per framework, a look (at 3 processes a side the
// family-level intervals are still wide but one), processes filtered to the rows that need
// them, another look (the fixtures' rows are then all precise), and the run stops.
TEST_F(BenchScript, AdaptiveRunSamplesReplicatesThenStopsWhenEveryRowIsPrecise) {
  const auto r = run("--no-micro --framework slow --budget 20s");
  ASSERT_EQ(r.status, 0) << r.out << err();
  EXPECT_TRUE(has(r.out, "== run (run.json) ==")) << r.out;
  EXPECT_TRUE(has(err(), "look 1/4: 1/7 rows precise")) << err();
  EXPECT_TRUE(has(err(), "look 2/4: 7/7 rows precise")) << err();
  // One progress line per process: its look, round, framework, and the run against the budget.
  EXPECT_TRUE(has(err(), "[bench] look 1/4 round 1 [1/2] ")) << err();
  EXPECT_TRUE(has(err(), " of 20s | ")) << err();
  std::ifstream summary(run_dir() / "summary.txt");
  std::string first;
  std::getline(summary, first);
  EXPECT_EQ(first, "A/A gate: absent");  // the stand-in's files have no harness rows
  std::ifstream manifest(run_dir() / "run.json");
  const auto doc = nlohmann::json::parse(manifest);
  EXPECT_EQ(doc["mode"], "adaptive");
  EXPECT_EQ(doc["status"], "done");
  EXPECT_EQ(doc["looks"].size(), 2u);
  int filtered = 0;
  for (const auto& p : doc["processes"]) {
    if (p["kind"] == "rows") {
      ++filtered;
      EXPECT_TRUE(p["filter"].is_string());
    }
  }
  EXPECT_GT(filtered, 0) << doc["processes"].dump();
  EXPECT_TRUE(doc["machine"]["id"].is_string());
  EXPECT_TRUE(doc["calibration"]["cpp_ns"].is_number());
  EXPECT_TRUE(doc["calibration"]["cpp_ns_end"].is_number());
  EXPECT_EQ(doc["budget"], "20s");
}

TEST_F(BenchScript, ABudgetTooSmallForOneSampleIsOneLineAndExitTwo) {
  const auto r = run("--no-micro --framework slow --budget 1.5s", "LEGION_FAKE_SLEEP=0.5");
  EXPECT_EQ(r.status, 2) << r.out << err();
  EXPECT_TRUE(has(err(), "too small for one sample of every row")) << err();
  std::ifstream manifest(run_dir() / "run.json");
  const auto doc = nlohmann::json::parse(manifest);
  EXPECT_TRUE(has(doc["status"].get<std::string>(), "failed: budget")) << doc["status"];
}

// The micro benchmarks run first; a budget they spend stops the run after the one that spent
// it, before the frameworks.
TEST_F(BenchScript, ABudgetTheMicroBenchmarksSpendStopsTheRunEarly) {
  const auto r = run("--framework slow --budget 1s", "LEGION_FAKE_MICRO_SLEEP=0.6");
  EXPECT_EQ(r.status, 2) << r.out << err();
  EXPECT_TRUE(has(err(), "budget 1s spent by the micro benchmarks")) << err();
  EXPECT_FALSE(fs::exists(run_dir() / "stress.json"));
  EXPECT_FALSE(fs::exists(run_dir() / "run.json"));
}

TEST_F(BenchScript, OneFrameworkIsComparedWithLegion) {
  const auto r = run("--no-micro --framework slow --processes 2 --smoke");
  ASSERT_EQ(r.status, 0) << r.out << err();
  EXPECT_TRUE(has(err(), "adding legion")) << err();
  EXPECT_TRUE(has(r.out, "x slower than legion")) << r.out;
  EXPECT_TRUE(fs::exists(run_dir() / "legion.2.json"));
}

// --transport http reaches every legion-bench process through legion-driver, and the
// comparison is against legion@http (legion-compare's name for LEGION's HTTP processes).
TEST_F(BenchScript, TheTransportReachesEveryProcessAndTheBaselineFollowsIt) {
  const auto r = run("--no-micro --framework slow --processes 2 --smoke --transport http");
  ASSERT_EQ(r.status, 0) << r.out << err();
  EXPECT_TRUE(has(r.out, "x slower than legion@http")) << r.out;
  for (const char* log : {"legion.1.txt", "legion.2.txt", "slow.1.txt", "slow.2.txt"}) {
    std::ifstream in(run_dir() / log);
    const std::string text{std::istreambuf_iterator<char>(in), {}};
    EXPECT_TRUE(has(text, "--transport=http")) << log << ": " << text;
  }
  std::ifstream manifest(run_dir() / "run.json");
  const std::string run_json{std::istreambuf_iterator<char>(manifest), {}};
  EXPECT_TRUE(has(run_json, R"("transport": "http")")) << run_json;
  EXPECT_NE(run("--no-micro --transport pigeon").status, 0);
  EXPECT_TRUE(has(err(), "--transport must be inproc or http")) << err();
}

TEST_F(BenchScript, DefaultsToEveryListedFramework) {
  const auto r = run("--no-micro --smoke");
  ASSERT_EQ(r.status, 0) << r.out << err();
  EXPECT_TRUE(has(err(), "[6/6] ")) << err();  // 3 frameworks x 2 processes
  EXPECT_TRUE(has(r.out, "direct 0.1.0: 2 processes")) << r.out;
  EXPECT_TRUE(fs::exists(run_dir() / "direct.2.json"));
}

TEST_F(BenchScript, ByDefaultAlsoRunsTheMicroBenchmarksAndChecksTheTargets) {
  const auto r = run("--framework legion --framework direct --smoke");
  ASSERT_EQ(r.status, 0) << r.out << err();
  EXPECT_TRUE(has(r.out, "x slower than legion")) << r.out;
  EXPECT_TRUE(has(r.out, "== targets (benchmarks/targets/) ==")) << r.out;
  EXPECT_TRUE(has(r.out, "all targets met")) << r.out;
  for (const char* f : {"microbench.json", "stats.json", "bridge.json", "stress.json",
                        "targets.txt", "comparison.json"}) {
    EXPECT_TRUE(fs::exists(run_dir() / f)) << f;
  }
}

TEST_F(BenchScript, MicroOnlySkipsTheFrameworks) {
  fs::remove(dir_ / "bin" / "legion-bench");  // not needed, so not looked for
  const auto r = run("--micro-only --smoke");
  ASSERT_EQ(r.status, 0) << r.out << err();
  EXPECT_FALSE(has(r.out, "x slower than")) << r.out;
  EXPECT_TRUE(has(r.out, "all targets met")) << r.out;
  EXPECT_FALSE(fs::exists(run_dir() / "comparison.json"));
}

TEST_F(BenchScript, BadInputIsOneLineAndExitTwo) {
  for (const std::string args :
       {"--framework nope --no-micro", "--bogus", "--repetitions x", "--processes 0",
        "--processes 1", "--micro-only --no-micro", "--seed -1",
        "--framework legion --framework legion --no-micro", "--scenario bad --no-micro",
        "--min-time soon", "--framework", "--budget soon", "--budget 0", "--budget 1m30",
        "--precision x", "--looks 0", "--cold-starts 1"}) {
    const auto r = run(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << err();
    // scripts/bench's own checks, or legion-driver's (it runs legion-bench): one line either way.
    EXPECT_TRUE(has(err(), "bench: error: ") || has(err(), "legion-driver: ")) << args << "\n"
                                                                               << err();
  }
  run("--framework nope --no-micro");
  EXPECT_TRUE(has(err(), "unknown framework 'nope' (installed: legion slow direct)")) << err();
}

}  // namespace
