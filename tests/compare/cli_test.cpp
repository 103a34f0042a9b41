// legion-compare end to end on the fixtures: the summary, the full table, Markdown, the JSON
// file (schema legion-compare/2), exit status 2 with one line on bad input.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run_command.hpp"
#include "support/verdict_invariant.hpp"

namespace {

const std::string kData = std::string(LEGION_TEST_DATA_DIR) + "/compare/";

using legion_test::CommandResult;

CommandResult run(const std::string& args) {
  return legion_test::run_command(std::string(LEGION_BIN_DIR) + "/legion-compare " + args +
                                  " 2>&1");
}

bool has(const std::string& text, const std::string& part) {
  return legion_test::contains(text, part);
}

std::string files(const std::string& names) {
  std::string out;
  std::string name;
  for (char c : names + " ") {
    if (c != ' ') {
      name += c;
    } else if (!name.empty()) {
      out += " " + kData + name;
      name.clear();
    }
  }
  return out;
}

const std::string kAll = files(
    "legion.1.json legion.2.json legion.3.json slow.1.json slow.2.json slow.3.json "
    "direct.1.json direct.2.json direct.3.json");

std::size_t widest_line(const std::string& text) {
  std::size_t widest = 0;
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    widest = std::max(widest, end - start);
    start = end + 1;
  }
  return widest;
}

TEST(CompareCli, PrintsTheSummaryFirstThenTheFullTable) {
  const auto r = run(kAll);
  EXPECT_EQ(r.status, 0) << r.out;
  const auto summary = r.out.find("== summary: x slower than legion");
  const auto full = r.out.find("== regime: hot ==");
  EXPECT_EQ(summary, 0u) << r.out;
  EXPECT_NE(full, std::string::npos) << r.out;
  EXPECT_TRUE(has(r.out, "A/A gate: absent")) << r.out;  // the fixtures have no harness rows
  EXPECT_TRUE(has(r.out, "unsupported: direct has no agents")) << r.out;
  EXPECT_TRUE(has(r.out, "failed: validation failed: wrong answer")) << r.out;
  EXPECT_TRUE(has(r.out, "different work: hashes differ")) << r.out;
  EXPECT_TRUE(has(r.out, "geometric mean")) << r.out;
  EXPECT_TRUE(has(r.out, "slow    3 processes, 7 rows, each CI at 99.29%")) << r.out;
}

TEST(CompareCli, TheSummaryFitsIn100Columns) {
  const auto r = run("--format summary" + kAll);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_LE(widest_line(r.out), 100u) << r.out;
  EXPECT_FALSE(has(r.out, "== regime:")) << r.out;  // the wide table is not in it
  EXPECT_TRUE(has(r.out, "large_context_retrieval/docs=1000   slow    2.01 [")) << r.out;
  EXPECT_TRUE(has(r.out, "== geometric means (x slower than legion) ==")) << r.out;
}

TEST(CompareCli, FullAndMarkdownFormats) {
  const auto full = run("--format full" + kAll);
  EXPECT_EQ(full.status, 0) << full.out;
  EXPECT_FALSE(has(full.out, "== summary")) << full.out;
  EXPECT_TRUE(has(full.out, "CPU us base/fw")) << full.out;
  EXPECT_TRUE(has(full.out, "mde")) << full.out;
  const auto md = run("--format markdown" + kAll);
  EXPECT_EQ(md.status, 0) << md.out;
  EXPECT_TRUE(has(md.out, "**A/A gate: absent")) << md.out;
  EXPECT_TRUE(has(md.out, "| benchmark | framework | x slower than legion [CI] | verdict |"))
      << md.out;
  EXPECT_TRUE(has(md.out, "### Geometric means")) << md.out;
}

nlohmann::json run_json(const std::string& args) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("legion-compare-test-" + std::to_string(::getpid()) + ".json");
  const auto r = run("--json " + path.string() + " " + args);
  EXPECT_EQ(r.status, 0) << r.out;
  std::ifstream in(path);
  auto doc = nlohmann::json::parse(in);
  std::filesystem::remove(path);
  return doc;
}

TEST(CompareCli, WritesTheJsonDocumentedInDocsComparison) {
  const auto doc = run_json(kAll);
  EXPECT_EQ(doc["schema"], "legion-compare/2");
  EXPECT_EQ(doc["baseline"], "legion");
  EXPECT_EQ(doc["seed"], "42");
  EXPECT_EQ(doc["frameworks"].size(), 3u);
  EXPECT_EQ(doc["comparisons"].size(), 14u);
  EXPECT_EQ(doc["family"]["method"], "bonferroni_per_framework");
  EXPECT_EQ(doc["family"]["per_framework_rows"]["direct"], 5);
  EXPECT_EQ(doc["summary"]["aa_gate"]["status"], "absent");
  EXPECT_EQ(doc["summary"]["machines"]["mixed"], false);
  // Zero-latency fixtures without LangChain: the criteria say what they do not judge, and why.
  EXPECT_TRUE(doc["latency"].is_null());
  EXPECT_EQ(doc["model_latency"], "none");
  EXPECT_EQ(doc["criteria"]["latency_regime"], "zero_latency");
  EXPECT_TRUE(doc["criteria"]["lines"].empty());
  bool why = false;
  for (const auto& n : doc["criteria"]["not_judged"]) {
    why = why || n["reason"] == "langchain's processes are not among the inputs";
  }
  EXPECT_TRUE(why) << doc["criteria"].dump();
  bool unsupported_seen = false;
  for (const auto& c : doc["comparisons"]) {
    EXPECT_EQ(c["role"], "comparison");
    if (c["status"] == "compared") {
      const auto& s = c["stats"];
      EXPECT_TRUE(s["ratio_ci"].is_object());
      EXPECT_EQ(s["ci_method"], "banerjee_log_bonferroni");
      EXPECT_TRUE(s["mde"].is_number());
      EXPECT_TRUE(s["rel_half_width"].is_number());
      EXPECT_TRUE(s["precise"].is_boolean());
      EXPECT_TRUE(s["welch_p_holm"].is_number());
      EXPECT_TRUE(c["candidate"]["process_means_ns"].is_array());
      EXPECT_TRUE(c["candidate"]["cpu_ns"].is_null());  // the fixtures predate cpu_ns
      const std::string wrong = legion_test::verdict_disagreement(s);
      EXPECT_TRUE(wrong.empty()) << c["benchmark"] << " " << c["framework"] << ": " << wrong;
    } else {
      EXPECT_TRUE(c["stats"].is_null());
      unsupported_seen = unsupported_seen || c["status"] == "unsupported";
    }
  }
  EXPECT_TRUE(unsupported_seen);
  EXPECT_EQ(doc["geometric_means"].size(), 6u);
  EXPECT_EQ(doc["geometric_means"][0]["method"], "banerjee_log_complete_processes");
}

TEST(CompareCli, LooksSplitAlphaAndTheSameInputGivesTheSameOutput) {
  const auto one = run_json(kAll);
  const auto three = run_json("--looks 3" + kAll);
  EXPECT_EQ(three["family"]["looks"], 3);
  const double level1 = one["family"]["row_level"]["slow"].get<double>();
  const double level3 = three["family"]["row_level"]["slow"].get<double>();
  EXPECT_NEAR(1.0 - level3, (1.0 - level1) / 3.0, 1e-15);
  EXPECT_EQ(run(kAll).out, run(kAll).out);
}

void expect_bad_input(const std::string& args, const std::string& message);

// legion, direct and langchain under a latency model, 3 processes each (wall = the critical
// path x a framework's factor x a small process effect), into a fresh directory.
std::filesystem::path latency_files(const std::string& model_latency, bool counters = true) {
  auto dir = std::filesystem::temp_directory_path() /
             ("legion-compare-latency-" + std::to_string(::getpid()) + "-" + model_latency);
  std::filesystem::create_directories(dir);
  const std::vector<std::pair<std::string, double>> cases = {
      {"multi_agent_workflow/hot/real_time", 60e6},
      {"concurrent_execution/agents=64/concurrency/real_time", 40e6}};
  const std::vector<std::pair<std::string, double>> frameworks = {
      {"legion", 1.02}, {"direct", 1.01}, {"langchain", 1.6}};
  for (const auto& [framework, factor] : frameworks) {
    for (int k = 1; k <= 3; ++k) {
      nlohmann::json benchmarks = nlohmann::json::array();
      for (const auto& [name, path] : cases) {
        for (int r = 0; r < 3; ++r) {
          nlohmann::json e = {{"name", name},
                              {"run_name", name},
                              {"run_type", "iteration"},
                              {"real_time", path * factor * (1.0 + 0.002 * k + 0.0005 * r) / 1e3},
                              {"time_unit", "us"},
                              {"model_calls", 3},
                              {"label", "ab"}};
          if (counters) {
            e["critical_path_model_ns"] = path;
            e["model_latency_ns"] = 5 * path;
          }
          benchmarks.push_back(e);
        }
      }
      std::ofstream(dir / (framework + "." + std::to_string(k) + ".json")) << nlohmann::json{
          {"context", {{"framework", framework}, {"seed", "42"}, {"model_latency", model_latency}}},
          {"benchmarks", benchmarks}}.dump();
    }
  }
  return dir;
}

std::string all_in(const std::filesystem::path& dir) {
  std::string out;
  for (const char* f : {"legion", "direct", "langchain"}) {
    for (int k = 1; k <= 3; ++k)
      out += " " + (dir / (std::string(f) + "." + std::to_string(k) + ".json")).string();
  }
  return out;
}

TEST(CompareCli, UnderModelLatencyTheCriteriaAreVerdictLinesWithIntervals) {
  const auto dir = latency_files("lognormal:20ms,0.5");
  const auto criteria = run("--format criteria" + all_in(dir));
  EXPECT_EQ(criteria.status, 0) << criteria.out;
  EXPECT_EQ(criteria.out.rfind("== the project brief's criteria: the latency regime (model latency "
                               "lognormal:20ms,0.5) ==",
                               0),
            0u)
      << criteria.out;
  EXPECT_TRUE(has(criteria.out, "coordination overhead < 15%")) << criteria.out;
  EXPECT_TRUE(has(criteria.out, "LEGION within 20% of LangChain")) << criteria.out;
  EXPECT_FALSE(has(criteria.out, "== hot ==")) << criteria.out;  // the criteria alone
  const auto summary = run("--format summary" + all_in(dir));
  EXPECT_TRUE(has(summary.out, "critical path 60 ms")) << summary.out;
  EXPECT_TRUE(has(summary.out, criteria.out)) << summary.out;
  EXPECT_LE(widest_line(summary.out), 100u) << summary.out;
  const auto doc = run_json(all_in(dir));
  EXPECT_EQ(doc["latency"]["reference"], "direct");
  EXPECT_EQ(doc["latency"]["lines"].size(), 6u);
  const auto& lines = doc["criteria"]["lines"];
  EXPECT_EQ(lines.size(), 8u);  // 2 scenarios x 3 frameworks, 2 LEGION/LangChain
  for (const auto& line : lines) {
    const std::string wrong = legion_test::criterion_disagreement(line);
    EXPECT_TRUE(wrong.empty()) << line.dump() << ": " << wrong;
    if (line["framework"] == "direct") {
      EXPECT_EQ(line["verdict"], "met") << line.dump();
    }
    if (line["criterion"] == "coordination_overhead_below_15pct" &&
        line["framework"] == "langchain") {
      EXPECT_EQ(line["verdict"], "missed") << line.dump();
    }
    if (line["criterion"] == "legion_within_20pct_of_langchain") {
      EXPECT_EQ(line["verdict"], "met") << line.dump();
    }
  }
  // Without the counters: not measured, and a zero-latency set next to a latency set is refused.
  const auto bare = latency_files("fixed:20ms", false);
  const auto missing = run_json(all_in(bare));
  for (const auto& line : missing["criteria"]["lines"]) {
    if (line["criterion"] != "coordination_overhead_below_15pct") continue;
    EXPECT_EQ(line["verdict"], "not_measured") << line.dump();
    EXPECT_TRUE(line["estimate"].is_null());
  }
  const auto zero = latency_files("none", false);
  std::string crossed;
  for (int k = 1; k <= 3; ++k) {
    const std::string n = std::to_string(k) + ".json";
    crossed += " " + (dir / ("legion." + n)).string() + " " + (zero / ("direct." + n)).string() +
               " " + (zero / ("langchain." + n)).string();
  }
  expect_bad_input(crossed, "in a legion-compare run of its own");
  std::filesystem::remove_all(dir);
  std::filesystem::remove_all(bare);
  std::filesystem::remove_all(zero);
}

void expect_bad_input(const std::string& args, const std::string& message) {
  const auto r = run(args);
  EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
  EXPECT_TRUE(has(r.out, message)) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST(CompareCli, BadInputIsOneLineAndExitTwo) {
  expect_bad_input(files("legion.1.json absent.json"), "absent.json: no such file");
  expect_bad_input(files("legion.1.json malformed.json"), "malformed.json: malformed JSON");
  expect_bad_input(files("legion.1.json no_framework.json"), "context.framework is missing");
  expect_bad_input("--baseline nope" + kAll, "baseline 'nope' is not among the frameworks");
  expect_bad_input(files("legion.1.json legion.1.json slow.1.json"), "given twice");
  expect_bad_input(files("legion.1.json legion.2.json"), "nothing to compare");
  expect_bad_input(files("legion.1.json legion.2.json slow.1.json"),
                   "framework 'slow' has 1 process");
  expect_bad_input("--format wide" + kAll, "--format");
  expect_bad_input("--looks 0" + kAll, "--looks");
  expect_bad_input("--seed 3" + kAll, "legion-compare:");  // nothing random any more
  expect_bad_input("--no-such-option" + kAll, "legion-compare:");
  expect_bad_input("", "legion-compare:");
}

}  // namespace
