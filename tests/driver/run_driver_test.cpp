// The run driver's decisions with a fake launcher: legion-bench processes that write synthetic
// results on a simulated clock, and a legion-compare that answers in schema legion-compare/2
// with half-widths that shrink as processes accumulate. No process runs, nothing is timed.
#include "driver/run_driver.hpp"

#include <gtest/gtest.h>
#include <regex.h>
#include <unistd.h>

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <tuple>

#include "driver/driver_error.hpp"
#include "driver/process_data.hpp"
#include "support/temp_dir.hpp"

namespace legion::driver {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Google Benchmark 1.7.1 matches --benchmark_filter as a POSIX extended regular expression.
bool matches(const std::string& pattern, const std::string& text) {
  regex_t re;
  if (regcomp(&re, pattern.c_str(), REG_EXTENDED | REG_NOSUB) != 0) return false;
  const bool found = regexec(&re, text.c_str(), 0, nullptr, 0) == 0;
  regfree(&re);
  return found;
}

const std::vector<std::string> kRows = {"simple_task/cold_start", "simple_task/hot",
                                        "consensus/hot", "harness/calibration/hot"};

struct FakeFramework {
  double fixed_s = 1.0;  // start and exit
  double row_s = 0.5;    // each row
  double mean_ns = 1000;
  double other_cpu = 0;  // cores other processes use while it runs
};

class FakeLauncher final : public Launcher {
 public:
  std::map<std::string, FakeFramework> frameworks;
  std::map<std::string, std::map<std::string, double>> row_wall;  // framework -> dear row -> s
  // A legion-bench process as `disturb` sees it.
  struct Call {
    std::string framework;
    int index = 0;
    std::string filter;     // its --benchmark_filter, "" for a full process
    std::size_t looks = 0;  // comparisons before it
  };
  // Which processes run disturbed: the cores others used while it ran.
  std::function<double(const Call&)> disturb = [](const Call&) { return 0.0; };
  // The A/A gate legion-compare reports for a set of files.
  std::function<json(const std::vector<std::string>&)> gate = [](const std::vector<std::string>&) {
    return json{{"status", "pass"}, {"frameworks", json::object()}};
  };
  bool compare_knows_looks = true;
  int crash_index = 0;  // the k-th legion-bench process dies of a signal (0: none)
  double clock = 1000;
  std::vector<std::vector<std::string>> compare_calls;
  std::vector<std::string> bench_order;                  // "framework:kind-ish" in launch order
  std::map<std::string, std::set<std::string>> rows_in;  // file -> rows it ran
  std::map<std::string, std::string> transport_of;       // file -> its --transport ("" none)
  std::vector<std::string> baselines;                    // legion-compare's --baseline, per call

  double now_s() override { return clock; }

  ChildResult run(const std::vector<std::string>& argv, const fs::path& out, const fs::path& err,
                  double) override {
    ChildResult r;
    r.exit_status = 0;
    const std::string exe = fs::path(argv[0]).filename().string();
    if (exe == "legion-bench") return bench(argv, out, r);
    if (exe == "legion-compare") return compare(argv, out, err, r);
    std::ofstream(out) << "12345678 42\n";  // the CPython calibration loop
    return r;
  }

 private:
  static std::string value(const std::vector<std::string>& argv, const std::string& flag) {
    for (const std::string& a : argv) {
      if (a.rfind(flag + "=", 0) == 0) return a.substr(flag.size() + 1);
    }
    return "";
  }

  ChildResult bench(const std::vector<std::string>& argv, const fs::path& out, ChildResult& r) {
    if (argv.size() == 2 && argv[1] == "--list-frameworks") {
      std::ofstream list(out);
      for (const auto& [name, f] : frameworks) list << name << "\n";
      return r;
    }
    const std::string framework = value(argv, "--framework");
    const std::string file = value(argv, "--benchmark_out");
    const std::string filter = value(argv, "--benchmark_filter");
    const int index = std::stoi(fs::path(file).stem().extension().string().substr(1));
    bench_order.push_back(framework);
    transport_of[fs::path(file).filename().string()] = value(argv, "--transport");
    if (crash_index > 0 && static_cast<int>(bench_order.size()) == crash_index) {
      r.exit_status = -1;
      r.signal = 11;
      std::ofstream(out) << "Segmentation fault\n";
      return r;
    }
    const FakeFramework& f = frameworks.at(framework);
    json benchmarks = json::array();
    double wall = f.fixed_s;
    for (const std::string& row : kRows) {
      if (!filter.empty() && !matches(filter, row + "/real_time")) continue;
      rows_in[fs::path(file).filename().string()].insert(row);
      // Process-to-process spread, deterministic: +-5% by the process index.
      const double mean = f.mean_ns * (1.0 + 0.05 * ((index % 3) - 1));
      const bool cold = row == "simple_task/cold_start";
      benchmarks.push_back(
          {{"name", row + (cold ? "/iterations:1/repeats:1/manual_time" : "/real_time")},
           {"run_type", "iteration"},
           {"iterations", 1},
           {"real_time", mean},
           {"time_unit", "ns"}});
      const auto dear = row_wall[framework].find(row);
      wall += dear == row_wall[framework].end() ? f.row_s : dear->second;
    }
    std::ofstream(file) << json{
        {"context",
         {{"framework", framework},
          {"git_commit", "feedbeef"},
          {"calibration_cpp_ns", 118000.0},
          {"machine", {{"id", "0011223344556677"}}}}},
        {"benchmarks",
         benchmarks}}.dump();
    std::ofstream(out) << "ran " << framework << "\n";
    const double others = disturb({framework, index, filter, compare_calls.size()});
    r.before.at_s = clock;
    r.before.cpu.idle = 0;
    clock += wall;
    r.wall_s = wall;
    r.after.at_s = clock;
    r.usage.cpu_s = wall;
    r.after.cpu.user = (wall + others * wall) * static_cast<double>(sysconf(_SC_CLK_TCK));
    return r;
  }

  // Half-width of a row as Banerjee's at 95% with equal spreads on both sides: c sqrt(t_b^2 / n_b
  // + t^2 / n), c such that 2 processes a side give 0.4.
  ChildResult compare(const std::vector<std::string>& argv, const fs::path& out,
                      const fs::path& err, ChildResult& r) {
    if (argv.size() == 2 && argv[1] == "--help") {
      std::ofstream(out) << (compare_knows_looks ? "  --looks N  looks planned\n" : "usage\n");
      return r;
    }
    compare_calls.push_back(argv);
    std::string json_file;
    std::vector<std::string> files;
    for (std::size_t i = 1; i < argv.size(); ++i) {
      if (argv[i] == "--json")
        json_file = argv[++i];
      else if (argv[i] == "--baseline")
        baselines.push_back(argv[++i]);
      else if (argv[i] == "--seed" || argv[i] == "--looks" || argv[i] == "--precision")
        ++i;
      else
        files.push_back(argv[i]);
    }
    std::map<std::string, std::map<std::string, int>> count;  // framework -> row -> processes
    std::string suffix;  // as legion-compare names a framework run over HTTP
    for (const std::string& file : files) {
      const std::string name = fs::path(file).filename().string();
      const std::string framework = name.substr(0, name.find('.'));
      for (const std::string& row : rows_in[name]) ++count[framework][row];
      if (transport_of[name] == "http") suffix = "@http";
    }
    json comparisons = json::array();
    for (const auto& [framework, rows] : count) {
      if (framework == "legion") continue;
      for (const auto& [row, n] : rows) {
        auto term = [](int k) {
          const boost::math::students_t_distribution<double> t(k - 1);
          const double q = boost::math::quantile(t, 0.975);
          return q * q / k;
        };
        const double h = 0.4 * std::sqrt((term(count["legion"][row]) + term(n)) / (2 * term(2)));
        const double ratio = frameworks[framework].mean_ns / frameworks["legion"].mean_ns;
        const bool aa = row.rfind("harness/", 0) == 0;
        comparisons.push_back(
            {{"benchmark", row + "/real_time"},
             {"scenario", row.substr(0, row.find('/'))},
             {"framework", framework + suffix},
             {"role", aa ? "aa_control" : "comparison"},
             {"status", "compared"},
             {"stats",
              {{"ratio", aa ? 1.0 : ratio},
               {"ratio_ci", {{"lower", ratio * std::exp(-h)}, {"upper", ratio * std::exp(h)}}},
               {"verdict", "slower"},
               {"verdict_text", "slower"},
               {"rel_half_width", h},
               {"precise", h <= 0.10}}}});
      }
    }
    // The hot regime's geometric mean, as legion-compare takes it: over the processes that ran
    // every row of the regime, with the rows' half-width formula on those counts.
    std::map<std::string, int> complete;  // framework -> processes that ran every hot row
    for (const std::string& file : files) {
      const std::string name = fs::path(file).filename().string();
      const std::set<std::string>& ran = rows_in[name];
      if (ran.contains("simple_task/hot") && ran.contains("consensus/hot")) {
        ++complete[name.substr(0, name.find('.'))];
      }
    }
    json means = json::array();
    for (const auto& [framework, rows] : count) {
      if (framework == "legion") continue;
      const double ratio = frameworks[framework].mean_ns / frameworks["legion"].mean_ns;
      json g = {
          {"framework", framework + suffix},
          {"regime", "hot"},
          {"ratio", ratio},
          {"processes", {{"baseline", complete["legion"]}, {"candidate", complete[framework]}}}};
      if (complete["legion"] >= 2 && complete[framework] >= 2) {
        auto term = [](int k) {
          const boost::math::students_t_distribution<double> t(k - 1);
          const double q = boost::math::quantile(t, 0.99375);
          return q * q / k;
        };
        const double h = 0.2 * std::sqrt(term(complete["legion"]) + term(complete[framework]));
        g["ci"] = {
            {"level", 0.9875}, {"lower", ratio * std::exp(-h)}, {"upper", ratio * std::exp(h)}};
      }
      means.push_back(g);
    }
    std::ofstream(json_file) << json{{"schema", "legion-compare/2"},
                                     {"comparisons", comparisons},
                                     {"geometric_means", means},
                                     {"summary", {{"aa_gate", gate(files)}}}}
                                    .dump();
    std::ofstream(out) << "comparison of " << files.size() << " files\n";
    std::ofstream(err) << "";
    clock += 0.5;
    return r;
  }
};

class Driver : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.bin_dir = "/fake/bin";
    options_.out_dir = fs::path(dir_.path()) / "run";
    options_.python = "/fake/python";
    options_.budget_s = 300;
    options_.cold_starts = 6;
    fake_.frameworks["legion"] = {0.1, 0.1, 1000, 0};
    fake_.frameworks["slow"] = {2.0, 1.0, 50000, 0};
  }

  int run() {
    out_.str("");
    progress_.str("");
    return run_driver(options_, fake_, out_, progress_);
  }
  json manifest() const {
    std::ifstream in(options_.out_dir / "run.json");
    return json::parse(in);
  }
  std::vector<json> processes(const std::string& framework = "") const {
    std::vector<json> out;
    const json m = manifest();
    for (const json& p : m["processes"]) {
      if (framework.empty() || p["framework"] == framework) out.push_back(p);
    }
    return out;
  }

  // The kept processes of `framework` that ran every row: what its geometric means rest on.
  int kept_full(const std::string& framework) const {
    int n = 0;
    for (const json& p : processes(framework)) n += p["rows"] == "all" && p["kept"] == true;
    return n;
  }
  // legion-compare's A/A gate passes, and names `file` an A/A outlier at look `number` only.
  void name_at_look(std::size_t number, const std::string& file) {
    FakeLauncher* fake = &fake_;
    fake_.gate = [fake, number, file](const std::vector<std::string>& files) {
      std::vector<std::string> outlying;
      for (const std::string& f : files) {
        if (fake->compare_calls.size() == number && fs::path(f).filename() == file) {
          outlying = {f};
        }
      }
      const std::string framework = file.substr(0, file.find('.'));
      return json{
          {"status", "pass"},
          {"frameworks", {{framework, {{"verdict", "inside"}, {"outlying_processes", outlying}}}}}};
    };
  }

  legion_test::TempDir dir_{"legion-driver"};
  DriverOptions options_;
  FakeLauncher fake_;
  std::ostringstream out_, progress_;
};

TEST_F(Driver, SamplesThenReplicatesOnlyTheRowsThatNeedIt) {
  ASSERT_EQ(run(), 0) << progress_.str();
  const json m = manifest();
  EXPECT_EQ(m["status"], "done");
  EXPECT_EQ(m["mode"], "adaptive");
  // Sample: 3 full processes each, the baseline first in the list.
  EXPECT_EQ(m["frameworks"], json({"legion", "slow"}));
  int full = 0, cold = 0, rows = 0;
  for (const json& p : processes()) {
    full += p["framework"] == "slow" && p["kind"] == "full";
    cold += p["framework"] == "slow" && p["kind"] == "cold_start";
    rows += p["kind"] == "rows";  // LEGION's are the cheaper narrowing here
    if (p["kind"] == "rows") {
      // Filtered to its rows and the A/A calibration row, which every process runs.
      EXPECT_TRUE(p["filter"].get<std::string>().find("harness/calibration/hot") !=
                  std::string::npos);
      EXPECT_NE(p["rows"], "all");
    }
  }
  EXPECT_EQ(full, 3);
  EXPECT_EQ(cold, 3);  // 6 cold starts: 3 full processes + 3 that start, measure and exit
  EXPECT_GT(rows, 0) << progress_.str();
  // Every row reached the precision target: 0.4 / sqrt(n) <= 0.10 needs 16 processes a side.
  EXPECT_NE(out_.str().find("rows precise (relative half-width <= 10%): 3/3"), std::string::npos)
      << out_.str() << progress_.str();
  EXPECT_LE(m["wall_s"].get<double>(), options_.budget_s);
  // Each look compared the kept processes, with --looks for the error rate of the looks.
  ASSERT_GE(fake_.compare_calls.size(), 2u);
  const auto& call = fake_.compare_calls.back();
  EXPECT_NE(std::find(call.begin(), call.end(), "--looks"), call.end());
  EXPECT_TRUE(fs::exists(options_.out_dir / "comparison.json"));
  std::ifstream text(options_.out_dir / "comparison.txt");
  std::string first;
  std::getline(text, first);
  EXPECT_EQ(first, "== run (run.json) ==");
  // summary.txt is the run's summary alone: the lines comparison.txt opens with.
  std::ifstream summary(options_.out_dir / "summary.txt");
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(summary, line)) lines.push_back(line);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "A/A gate: pass");
  for (const std::string& l : lines) {
    std::getline(text, line);
    EXPECT_EQ(line, l);
  }
  EXPECT_NE(
      std::find_if(lines.begin(), lines.end(),
                   [](const std::string& l) { return l.rfind("where the time went: ", 0) == 0; }),
      lines.end());
}

// A regime's geometric mean takes the processes that ran all of its rows: the sample's full
// ones. With 2 a side its interval has 1 degree of freedom (t ~ 51 at 98.75%: CrewAI hot 2629
// [73, 94440] in the 17965ab default run); the sample gives every framework 3, before any
// replication and whatever the rows need.
TEST_F(Driver, EveryGeometricMeanRestsOnThreeFullProcessesFromTheSample) {
  options_.looks = 1;  // the sample alone
  fake_.frameworks["other"] = {1.0, 0.5, 8000, 0};
  ASSERT_EQ(run(), 0) << progress_.str();
  ASSERT_EQ(fake_.compare_calls.size(), 1u);
  std::map<std::string, int> full;
  for (const json& p : processes()) {
    if (p["kind"] == "full") {
      EXPECT_LE(p["round"].get<int>(), 2);
      ++full[p["framework"]];
    }
  }
  EXPECT_EQ(full, (std::map<std::string, int>{{"legion", 3}, {"other", 3}, {"slow", 3}}));
  std::ifstream in(options_.out_dir / "comparison.json");
  const json doc = json::parse(in);
  ASSERT_EQ(doc["geometric_means"].size(), 2u);
  for (const json& g : doc["geometric_means"]) {
    EXPECT_EQ(g["processes"]["baseline"], 3) << g.dump();
    EXPECT_EQ(g["processes"]["candidate"], 3) << g.dump();
    EXPECT_TRUE(g.contains("ci")) << g.dump();
  }
}

// The third full process is part of the sample: a budget that holds 2 but not 3 stops the run
// with the one-line error, before any optional process.
TEST_F(Driver, ABudgetWithoutRoomForTheThirdFullProcessIsAnError) {
  options_.budget_s = 18;  // round 1 takes ~7 s; each further full round ~7 s
  try {
    run();
    FAIL() << "no error: " << progress_.str();
  } catch (const DriverError& e) {
    EXPECT_NE(std::string(e.what()).find("budget 18s is too small for one sample of every row (3 "
                                         "full processes per framework): the first took "),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find(", the other 2 need ~"), std::string::npos) << e.what();
  }
  EXPECT_EQ(fake_.bench_order.size(), 2u);  // round 1 only
  EXPECT_NE(manifest()["status"].get<std::string>().find("failed: budget"), std::string::npos);
}

TEST_F(Driver, ProgressIsOneLinePerProcessWithItsLookAndTheBudget) {
  ASSERT_EQ(run(), 0);
  std::istringstream in(progress_.str());
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("[bench] look ", 0) != 0 || line.find(" round ") == std::string::npos) continue;
    ++lines;
    EXPECT_NE(line.find(" of 5m00s | "), std::string::npos) << line;
    EXPECT_TRUE(line.find(" legion ") != std::string::npos ||
                line.find(" slow ") != std::string::npos)
        << line;
  }
  EXPECT_EQ(lines, processes().size()) << progress_.str();
  // The sample's two rounds feed look 1; round k + 1 feeds look k.
  EXPECT_NE(progress_.str().find("[bench] look 1/4 round 2 ["), std::string::npos);
  EXPECT_NE(progress_.str().find("[bench] look 2/4 round 3 ["), std::string::npos);
}

TEST_F(Driver, TheSeedFixesTheOrder) {
  ASSERT_EQ(run(), 0);
  const std::vector<std::string> first = fake_.bench_order;
  FakeLauncher again;
  again.frameworks = fake_.frameworks;
  fs::remove_all(options_.out_dir);
  ASSERT_EQ(run_driver(options_, again, out_, progress_), 0);
  EXPECT_EQ(again.bench_order, first);
  options_.seed = 7;
  FakeLauncher other;
  other.frameworks = fake_.frameworks;
  fs::remove_all(options_.out_dir);
  ASSERT_EQ(run_driver(options_, other, out_, progress_), 0);
  EXPECT_NE(other.bench_order, first);
}

TEST_F(Driver, StopsAtTheBudget) {
  options_.budget_s = 60;
  fake_.frameworks["slow"].row_s = 3.0;  // rows too dear to reach the target in a minute
  ASSERT_EQ(run(), 0) << progress_.str();
  EXPECT_LE(manifest()["wall_s"].get<double>(), 60.0);
  EXPECT_EQ(manifest()["status"], "done");
  EXPECT_NE(out_.str().find("widest slow"), std::string::npos) << out_.str();
}

TEST_F(Driver, ABudgetTooSmallForOneSampleOfEveryRowIsAnError) {
  options_.budget_s = 8;  // the first slow process alone takes 6 s
  try {
    run();
    FAIL() << "no error";
  } catch (const DriverError& e) {
    EXPECT_NE(std::string(e.what()).find("too small for one sample of every row"),
              std::string::npos)
        << e.what();
  }
  EXPECT_NE(manifest()["status"].get<std::string>().find("failed: budget"), std::string::npos);
}

// The first round has nothing to predict from; a budget it spends stops the run after the
// process that spent it, not after every framework's, and summary.txt says why.
TEST_F(Driver, ATinyBudgetStopsAfterTheProcessThatSpentIt) {
  fake_.frameworks["legion"] = {5.0, 0.1, 1000, 0};
  fake_.frameworks["slow"] = {5.0, 1.0, 50000, 0};
  fake_.frameworks["slower"] = {5.0, 1.0, 90000, 0};
  options_.budget_s = 2;
  try {
    run();
    FAIL() << "no error";
  } catch (const DriverError& e) {
    EXPECT_NE(
        std::string(e.what()).find("budget 2.0s is too small for one sample of every row "
                                   "(3 full processes per framework): the first processes of 1 "
                                   "of 3 frameworks took"),
        std::string::npos)
        << e.what();
  }
  EXPECT_EQ(fake_.bench_order.size(), 1u);
  std::ifstream summary(options_.out_dir / "summary.txt");
  std::string first;
  std::getline(summary, first);
  EXPECT_EQ(first.rfind("RUN FAILED: budget 2.0s is too small", 0), 0u) << first;
}

TEST_F(Driver, AFlaggedProcessIsReRunAndReplaced) {
  // The first slow process ran while something else used 1.2 cores.
  fake_.disturb = [](const FakeLauncher::Call& c) {
    return c.framework == "slow" && c.index == 1 ? 1.2 : 0;
  };
  ASSERT_EQ(run(), 0) << out_.str();
  const std::vector<json> slow = processes("slow");
  EXPECT_EQ(slow[0]["flagged"], true);
  EXPECT_EQ(slow[0]["kept"], false);
  const std::string replacement = slow[0]["replaced_by"].get<std::string>();
  bool found = false;
  for (const json& p : slow) {
    if (p["file"] == replacement) {
      found = true;
      EXPECT_EQ(p["rerun_of"], "slow.1.json");
      EXPECT_EQ(p["kind"], "rerun");
      EXPECT_EQ(p["kept"], true);
    }
  }
  EXPECT_TRUE(found);
  // The last look compared without the replaced process.
  for (const std::string& a : fake_.compare_calls.back()) {
    EXPECT_EQ(a.find("slow.1.json"), std::string::npos);
  }
}

TEST_F(Driver, AFrameworkDisturbedThroughoutMakesTheRunDisturbed) {
  fake_.disturb = [](const FakeLauncher::Call& c) { return c.framework == "slow" ? 1.2 : 0; };
  EXPECT_EQ(run(), 3);
  const std::string text = out_.str();
  EXPECT_EQ(text.find("== run (run.json) ==\nRUN DISTURBED"), 0u) << text;
  EXPECT_NE(text.find("disturbed processes kept"), std::string::npos) << text;
  EXPECT_NE(text.find("  slow."), std::string::npos) << text;
  EXPECT_EQ(manifest()["quality"]["disturbed"], true);
  EXPECT_EQ(manifest()["status"], "disturbed");
  options_.accept_disturbed = true;
  fs::remove_all(options_.out_dir);
  EXPECT_EQ(run(), 0);
  EXPECT_NE(out_.str().find("RUN DISTURBED (accepted"), std::string::npos);
}

TEST_F(Driver, TheAaGateDecidesAndItsOutliersAreReRun) {
  fake_.gate = [](const std::vector<std::string>& files) {
    std::vector<std::string> outlying;
    for (const std::string& f : files) {
      if (f.find("slow.2.json") != std::string::npos) outlying.push_back(f);
    }
    return json{{"status", "disturbed"},
                {"frameworks",
                 {{"slow",
                   {{"ratio", 1.2},
                    {"lower", 1.1},
                    {"upper", 1.3},
                    {"verdict", "outside"},
                    {"outlying_processes", outlying}}}}}};
  };
  EXPECT_EQ(run(), 3);
  EXPECT_NE(out_.str().find("A/A gate: disturbed; slow 1.2 [1.1, 1.3] outside"), std::string::npos)
      << out_.str();
  const json slow2 = processes("slow")[1];
  EXPECT_EQ(slow2["file"], "slow.2.json");
  EXPECT_EQ(slow2["flags"][0], "A/A outlier (slow gate: outside)");
  EXPECT_FALSE(slow2["replaced_by"].is_null());  // re-run once
}

// The cost model charges a process's untimed time to its rows in equal shares, so a process
// filtered to a framework's dear row takes longer than predicted (as CrewAI's did in
// results/2026-12-04-default-run); the forecast learns from the framework's row processes so far
// and the driver starts no process that would end past the budget, and says what it skipped.
TEST_F(Driver, NoProcessStartsThatItsForecastEndsPastTheBudget) {
  fake_.row_wall["slow"]["consensus/hot"] = 30.0;
  options_.precision = 0.02;  // rows keep needing processes until the budget ends
  options_.looks = 2;         // the last round may spend all that is left
  // Cold-start processes are most of the sample, as in a default run: the cost model takes
  // their rest as the fixed cost, and a process filtered to the dear row is underpredicted.
  options_.cold_starts = 10;
  // Budgets at which the cost model's prediction alone starts a process that ends past them.
  for (const double budget : {260.0, 298.0, 336.0, 376.0}) {
    SCOPED_TRACE(budget);
    options_.budget_s = budget;
    fs::remove_all(options_.out_dir);
    fake_.rows_in.clear();  // a new run reuses the file names
    ASSERT_EQ(run(), 0) << progress_.str();
    const json m = manifest();
    EXPECT_LE(m["wall_s"].get<double>(), budget) << progress_.str();
    ASSERT_FALSE(m["skipped"].empty()) << progress_.str();
    for (const json& s : m["skipped"]) {
      EXPECT_EQ(s["reason"], "lack of budget");
      EXPECT_GT(s["forecast_s"].get<double>(), s["left_s"].get<double>());
    }
    EXPECT_NE(out_.str().find("skipped for lack of budget ("), std::string::npos) << out_.str();
    for (const json& p : m["processes"]) {
      EXPECT_GE(p["forecast_s"].get<double>(), p["predicted_s"].get<double>());
    }
  }
}

// A/A outliers named at the last look cannot be re-run: they leave the comparison (the last
// comparison runs again without them), summary.txt and run.json say why, and a run whose A/A
// gate passed is not disturbed by them.
TEST_F(Driver, AFlaggedProcessWithNoReRunLeftIsDropped) {
  options_.looks = 2;
  FakeLauncher* fake = &fake_;
  fake_.gate = [fake](const std::vector<std::string>& files) {
    std::vector<std::string> outlying;
    if (fake->compare_calls.size() == 2) {  // the last look
      for (const std::string& f : files) {
        if (fs::path(f).filename().string().rfind("slow.", 0) == 0) outlying = {f};
      }
    }
    return json{
        {"status", "pass"},
        {"frameworks", {{"slow", {{"verdict", "inside"}, {"outlying_processes", outlying}}}}}};
  };
  ASSERT_EQ(run(), 0) << out_.str();
  const json m = manifest();
  ASSERT_EQ(m["quality"]["dropped_processes"].size(), 1u) << m["quality"].dump();
  const std::string file = m["quality"]["dropped_processes"][0]["file"];
  EXPECT_EQ(m["quality"]["dropped_processes"][0]["reason"],
            "A/A outlier (slow gate: inside); not re-run: no look left");
  EXPECT_EQ(m["quality"]["disturbed"], false);
  EXPECT_EQ(m["status"], "done");
  for (const json& p : m["processes"]) {
    if (p["file"] == file) {
      EXPECT_EQ(p["kept"], false);
    }
  }
  ASSERT_EQ(fake_.compare_calls.size(), 3u);
  for (const std::string& a : fake_.compare_calls.back()) {
    EXPECT_EQ(a.find(file), std::string::npos);
  }
  EXPECT_NE(out_.str().find("dropped from the comparison, flagged with no re-run left (1):\n  " +
                            file + " (A/A outlier (slow gate: inside); not re-run: no look left)"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(m["looks"].size(), 2u);
  EXPECT_EQ(m["looks"][1]["file"], "looks/2-without-dropped.json");
}

// A process is re-run once: a re-run flagged too has no re-run left and leaves the comparison
// like any flagged process (results/2026-12-04-default-run-2 kept 5 such re-runs and exited 3
// although its A/A gate passed).
TEST_F(Driver, AFlaggedReRunIsDroppedLikeAnyFlaggedProcess) {
  options_.looks = 3;
  FakeLauncher* fake = &fake_;
  // Every look names each of slow's processes that is not a full one (full: consensus/hot).
  fake_.gate = [fake](const std::vector<std::string>& files) {
    std::vector<std::string> outlying;
    for (const std::string& f : files) {
      const std::string name = fs::path(f).filename().string();
      if (name.rfind("slow.", 0) == 0 && !fake->rows_in[name].contains("consensus/hot")) {
        outlying.push_back(f);
      }
    }
    return json{
        {"status", "pass"},
        {"frameworks", {{"slow", {{"verdict", "inside"}, {"outlying_processes", outlying}}}}}};
  };
  ASSERT_EQ(run(), 0) << out_.str() << progress_.str();
  std::size_t reruns_dropped = 0;
  for (const json& p : processes("slow")) {
    if (p["rerun_of"].is_null() || !p["flagged"].get<bool>()) continue;
    ++reruns_dropped;
    EXPECT_EQ(p["kept"], false);
    EXPECT_EQ(p["dropped"], p["flags"][0].get<std::string>() + "; a re-run of " +
                                p["rerun_of"].get<std::string>() +
                                ", flagged too: re-run once only");
  }
  EXPECT_GT(reruns_dropped, 0u) << progress_.str();
  const json m = manifest();
  EXPECT_EQ(m["quality"]["disturbed"], false);
  EXPECT_TRUE(m["quality"]["disturbed_processes"].empty()) << m["quality"].dump();
  EXPECT_NE(out_.str().find("dropped from the comparison, flagged with no re-run left ("),
            std::string::npos)
      << out_.str();
}

// Every process of a framework disturbed, and no look left to re-run them in: each flagged full
// process gets its one full re-run after the last look; the re-runs are flagged too, so the
// framework keeps 3 flagged full processes (it needs 3), each saying why, and the run is
// disturbed; a flagged cold start beside them is dropped.
TEST_F(Driver, FlaggedFullProcessesAreReRunOnceThenKeptAndTheRunDisturbed) {
  options_.looks = 1;  // no replication round
  fake_.disturb = [](const FakeLauncher::Call& c) { return c.framework == "slow" ? 1.2 : 0; };
  EXPECT_EQ(run(), 3) << out_.str();
  std::size_t full = 0, reruns = 0, dropped = 0;
  for (const json& p : processes("slow")) {
    EXPECT_EQ(p["flagged"], true);
    if (p["kind"] == "rerun") {
      ++reruns;
      EXPECT_EQ(p["rows"], "all");
    }
    if (p["rows"] == "all" && p["kept"] == true) {
      ++full;
      EXPECT_TRUE(p["dropped"].is_null());
      EXPECT_EQ(p["kept_flagged"].get<std::string>().rfind("slow needs 3 full processes; ", 0), 0u)
          << p.dump();
    } else if (p["rows"] != "all") {
      ++dropped;
      EXPECT_EQ(p["kept"], false);
      EXPECT_NE(p["dropped"].get<std::string>().find("; not re-run: no look left"),
                std::string::npos);
    }
  }
  EXPECT_EQ(reruns, 3u);
  EXPECT_EQ(full, 3u);
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(manifest()["quality"]["disturbed_processes"].size(), 3u);
  EXPECT_EQ(manifest()["quality"]["disturbed"], true);
  EXPECT_EQ(manifest()["status"], "disturbed");
  EXPECT_NE(out_.str().find("; kept: slow needs 3 full processes; "), std::string::npos)
      << out_.str();
}

// A full process flagged at the last look (an A/A outlier) would leave its framework's geometric
// means on 2 full processes, 1 degree of freedom (CrewAI hot [73.2, 94,440] in
// results/2026-12-04-default-run-2): it is replaced by a full re-run after the last look, and the
// comparison runs again with the re-run in it.
TEST_F(Driver, AFullProcessFlaggedAtTheLastLookIsReplacedByAFullReRun) {
  options_.looks = 2;
  name_at_look(2, "slow.1.json");  // the last look
  ASSERT_EQ(run(), 0) << out_.str() << progress_.str();
  const json m = manifest();
  EXPECT_EQ(m["status"], "done");
  EXPECT_TRUE(m["quality"]["dropped_processes"].empty()) << m["quality"].dump();
  const std::vector<json> slow = processes("slow");
  ASSERT_EQ(slow[0]["file"], "slow.1.json");
  EXPECT_EQ(slow[0]["kind"], "full");
  EXPECT_EQ(slow[0]["kept"], false);
  const json& rerun = slow.back();
  EXPECT_EQ(rerun["rerun_of"], "slow.1.json");
  EXPECT_EQ(rerun["rows"], "all");
  EXPECT_EQ(rerun["kept"], true);
  EXPECT_EQ(slow[0]["replaced_by"], rerun["file"]);
  EXPECT_EQ(kept_full("slow"), 3);
  // The re-run ran after the last look and feeds it again.
  EXPECT_NE(progress_.str().find("[bench] look 2/2 round " +
                                 std::to_string(rerun["round"].get<int>()) + " [1/1] slow rerun (" +
                                 rerun["file"].get<std::string>() + ", every row)"),
            std::string::npos)
      << progress_.str();
  ASSERT_EQ(fake_.compare_calls.size(), 3u);
  const auto& last = fake_.compare_calls.back();
  EXPECT_TRUE(std::any_of(last.begin(), last.end(), [&](const std::string& a) {
    return a.find(rerun["file"].get<std::string>()) != std::string::npos;
  }));
  EXPECT_EQ(m["looks"][1]["file"], "looks/2-without-dropped.json");
}

// A flagged full process is re-run in the next round off the top of the budget, not within the
// half of the round's share other re-runs get (a 35 s full process against a ~29 s half here:
// the half-share rule would never have re-run it).
TEST_F(Driver, AFlaggedFullProcessIsReRunInTheNextRoundWhateverTheRoundsShare) {
  fake_.row_wall["slow"]["consensus/hot"] = 30.0;  // a full slow process: 35 s
  fake_.disturb = [](const FakeLauncher::Call& c) {
    return c.framework == "slow" && c.index == 1 ? 1.2 : 0;
  };
  ASSERT_EQ(run(), 0) << out_.str() << progress_.str();
  bool found = false;
  for (const json& p : processes("slow")) {
    if (p["rerun_of"] != "slow.1.json") continue;
    found = true;
    EXPECT_EQ(p["round"], 3) << progress_.str();
    EXPECT_EQ(p["kept"], true);
  }
  EXPECT_TRUE(found) << progress_.str();
  EXPECT_EQ(kept_full("slow"), 3);
}

// When the budget cannot pay for the full re-run, the flagged full process stays (the geometric
// means keep 3 processes, not a 2-process mean), run.json and summary.txt say why, the skipped
// re-run is listed, and the run is disturbed: exit 3.
TEST_F(Driver, AFlaggedFullProcessTheBudgetCannotReRunIsKeptAndTheRunSaysSo) {
  fake_.row_wall["slow"]["consensus/hot"] = 30.0;  // a full slow process: 35 s
  options_.precision = 0.02;                       // rows take every second left
  options_.looks = 2;
  name_at_look(2, "slow.1.json");
  ASSERT_EQ(run(), 3) << out_.str() << progress_.str();
  const json m = manifest();
  EXPECT_EQ(m["status"], "disturbed");
  EXPECT_EQ(m["quality"]["disturbed"], true);
  EXPECT_EQ(m["quality"]["disturbed_processes"], json({"slow.1.json"}));
  const json slow1 = processes("slow")[0];
  EXPECT_EQ(slow1["kept"], true);
  EXPECT_EQ(slow1["kept_flagged"], "slow needs 3 full processes; not re-run: no budget left");
  bool skipped = false;
  for (const json& s : m["skipped"]) {
    skipped |= s["framework"] == "slow" && s["kind"] == "rerun" && s["rows"] == "all";
  }
  EXPECT_TRUE(skipped) << m["skipped"].dump();
  EXPECT_EQ(out_.str().find("== run (run.json) ==\nRUN DISTURBED"), 0u) << out_.str();
  EXPECT_NE(out_.str().find("disturbed processes kept (1):\n  slow.1.json (A/A outlier (slow "
                            "gate: inside); kept: slow needs 3 full processes; not re-run: no "
                            "budget left)"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(kept_full("slow"), 3);
}

// A re-run flagged too: the one of the two that saw less of the others' CPU is kept, here the
// original; a process is re-run once, so the original then has no re-run left and leaves the
// comparison (a cold start: its framework keeps its 3 full processes without it).
TEST_F(Driver, TheOriginalIsKeptOverAFlaggedReRunThenDropped) {
  options_.precision = 5.0;  // every row precise at look 1: the re-run is the only work left
  auto original = std::make_shared<int>(0);
  fake_.disturb = [original](const FakeLauncher::Call& c) {
    if (c.framework != "slow" || c.filter.find("cold_start") == std::string::npos) return 0.0;
    if (c.looks > 0) return 2.0;  // the re-run, disturbed more
    if (*original != 0) return 0.0;
    *original = c.index;
    return 1.2;
  };
  ASSERT_EQ(run(), 0) << out_.str() << progress_.str();
  ASSERT_NE(*original, 0);
  const std::string file = "slow." + std::to_string(*original) + ".json";
  json first, rerun;
  for (const json& p : processes("slow")) {
    if (p["file"] == file) first = p;
    if (p["rerun_of"] == file) rerun = p;
  }
  ASSERT_TRUE(first.is_object() && rerun.is_object()) << progress_.str();
  const std::string rerun_file = rerun["file"];
  EXPECT_EQ(rerun["flagged"], true);
  EXPECT_EQ(rerun["kept"], false);
  EXPECT_EQ(rerun["replaced_by"], file);  // the original was kept over it
  EXPECT_TRUE(rerun["dropped"].is_null());
  EXPECT_EQ(first["kept"], false);
  EXPECT_EQ(first["replaced_by"], rerun_file);
  EXPECT_EQ(first["dropped"], first["flags"][0].get<std::string>() + "; its re-run " + rerun_file +
                                  " was flagged too: re-run once only");
  const json m = manifest();
  EXPECT_EQ(m["status"], "done");
  EXPECT_EQ(m["quality"]["disturbed"], false);
  for (const std::string& a : fake_.compare_calls.back()) {
    EXPECT_EQ(a.find(file), std::string::npos);
    EXPECT_EQ(a.find(rerun_file), std::string::npos);
  }
  EXPECT_NE(
      out_.str().find("dropped from the comparison, flagged with no re-run left (1):\n  " + file),
      std::string::npos)
      << out_.str();
}

// The same for a full process: the original is kept over its flagged re-run, and as its
// framework needs it for 3 full processes it stays, marked (`kept_flagged`), and the run is
// disturbed.
TEST_F(Driver, TheOriginalFullProcessIsKeptOverAFlaggedReRunAndMarked) {
  options_.precision = 5.0;
  fake_.disturb = [](const FakeLauncher::Call& c) {
    if (c.framework != "slow" || !c.filter.empty()) return 0.0;
    if (c.index == 1) return 1.2;
    return c.looks > 0 ? 2.0 : 0.0;  // after a look, a full slow process is slow.1's re-run
  };
  EXPECT_EQ(run(), 3) << out_.str() << progress_.str();
  const std::vector<json> slow = processes("slow");
  json rerun;
  for (const json& p : slow) {
    if (p["rerun_of"] == "slow.1.json") rerun = p;
  }
  ASSERT_TRUE(rerun.is_object()) << progress_.str();
  EXPECT_EQ(rerun["kept"], false);
  EXPECT_EQ(rerun["replaced_by"], "slow.1.json");
  EXPECT_EQ(slow[0]["kept"], true);
  EXPECT_TRUE(slow[0]["dropped"].is_null());
  EXPECT_EQ(slow[0]["kept_flagged"], "slow needs 3 full processes; its re-run " +
                                         rerun["file"].get<std::string>() +
                                         " was flagged too: re-run once only");
  EXPECT_EQ(manifest()["quality"]["disturbed_processes"], json({"slow.1.json"}));
  EXPECT_EQ(manifest()["status"], "disturbed");
}

TEST_F(Driver, ColdStartsReachTheirMinimumInTheSample) {
  options_.cold_starts = 10;
  options_.looks = 1;
  ASSERT_EQ(run(), 0);
  for (const char* f : {"legion", "slow"}) {
    int with_cold = 0;
    for (const json& p : processes(f)) {
      with_cold += p["rows"] == "all" || p["rows"].dump().find("cold_start") != std::string::npos;
    }
    EXPECT_EQ(with_cold, 10) << f;
  }
}

TEST_F(Driver, AnOlderLegionCompareIsToldNothingItRejectsAndTheRunSaysSo) {
  fake_.compare_knows_looks = false;
  ASSERT_EQ(run(), 0);
  for (const auto& call : fake_.compare_calls) {
    EXPECT_EQ(std::find(call.begin(), call.end(), "--looks"), call.end());
  }
  EXPECT_NE(out_.str().find("note: legion-compare has no --looks"), std::string::npos);
}

TEST_F(Driver, FixedAndSmokeRunsDoNotReplicate) {
  options_.fixed_processes = 3;
  ASSERT_EQ(run(), 0);
  EXPECT_EQ(processes("slow").size(), 3u);
  EXPECT_EQ(processes("legion").size(), 3u);
  EXPECT_EQ(fake_.compare_calls.size(), 1u);
  EXPECT_EQ(manifest()["mode"], "fixed");
  EXPECT_EQ(manifest()["looks_planned"], 1);  // one comparison: nothing to split alpha over
  const auto& call = fake_.compare_calls[0];
  EXPECT_EQ(*(std::find(call.begin(), call.end(), "--looks") + 1), "1");
}

TEST_F(Driver, ACrashedProcessStopsTheRunNamingIt) {
  fake_.crash_index = 2;
  try {
    run();
    FAIL() << "no error";
  } catch (const DriverError& e) {
    EXPECT_NE(std::string(e.what()).find("failed (signal 11)"), std::string::npos) << e.what();
  }
}

TEST_F(Driver, ADirectoryThatHoldsARunIsNotOverwritten) {
  ASSERT_EQ(run(), 0);
  const auto before = fs::last_write_time(options_.out_dir / "run.json");
  EXPECT_THROW(run(), DriverError);
  EXPECT_EQ(fs::last_write_time(options_.out_dir / "run.json"), before);
}

TEST_F(Driver, UnknownFrameworksAndAMissingBaselineAreErrors) {
  for (const auto& [frameworks, baseline, message] :
       {std::tuple{std::vector<std::string>{"nope"}, "legion", "unknown framework 'nope'"},
        std::tuple{std::vector<std::string>{"slow", "slow"}, "legion", "given twice"},
        std::tuple{std::vector<std::string>{}, "absent", "baseline 'absent' is not installed"}}) {
    fs::remove_all(options_.out_dir);
    options_.frameworks = frameworks;
    options_.baseline = baseline;
    try {
      run();
      ADD_FAILURE() << message;
    } catch (const DriverError& e) {
      EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    }
  }
}

// --transport=http: every legion-bench process gets it, legion-compare compares against
// legion@http (the name it gives LEGION's HTTP processes), and the rows it names NAME@http are
// planned as NAME's: the run replicates them to the precision target as in-process.
TEST_F(Driver, TheHttpTransportReachesEveryProcessAndTheComparison) {
  options_.transport = "http";
  ASSERT_EQ(run(), 0) << progress_.str();
  ASSERT_FALSE(fake_.transport_of.empty());
  for (const auto& [file, transport] : fake_.transport_of) EXPECT_EQ(transport, "http") << file;
  ASSERT_FALSE(fake_.baselines.empty());
  for (const std::string& baseline : fake_.baselines) EXPECT_EQ(baseline, "legion@http");
  EXPECT_EQ(manifest()["transport"], "http");
  int rows = 0;
  for (const json& p : processes()) rows += p["kind"] == "rows";
  EXPECT_GT(rows, 0);
  EXPECT_NE(out_.str().find("rows precise (relative half-width <= 10%): 3/3"), std::string::npos)
      << out_.str() << progress_.str();
}

TEST_F(Driver, InProcessRunsPassNoTransport) {
  ASSERT_EQ(run(), 0) << progress_.str();
  for (const auto& [file, transport] : fake_.transport_of) EXPECT_EQ(transport, "") << file;
  for (const std::string& baseline : fake_.baselines) EXPECT_EQ(baseline, "legion");
  EXPECT_EQ(manifest()["transport"], "inproc");
}

TEST(RowsFilter, AnchorsAndEscapes) {
  EXPECT_EQ(rows_filter({"a/hot", "concurrent_execution/agents=8/concurrency"}),
            "^(a/hot|concurrent_execution/agents=8/concurrency)(/|$)");
  EXPECT_EQ(rows_filter({"x.y(1)"}), R"(^(x\.y\(1\))(/|$))");
  const std::string filter = rows_filter({"simple_task/hot"});
  EXPECT_TRUE(matches(filter, "simple_task/hot/real_time"));
  EXPECT_TRUE(matches(filter, "simple_task/hot"));
  EXPECT_FALSE(matches(filter, "simple_task/hot2/real_time"));
  EXPECT_FALSE(matches(filter, "x/simple_task/hot"));
  EXPECT_TRUE(matches(rows_filter({"x.y(1)"}), "x.y(1)/real_time"));
  EXPECT_FALSE(matches(rows_filter({"x.y(1)"}), "xzy(1)/real_time"));
}

}  // namespace
}  // namespace legion::driver
