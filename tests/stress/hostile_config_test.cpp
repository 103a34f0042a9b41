// Stress configs and flags an attacker or a careless user writes: a name that would put the
// result outside --out, a config nested ~90k levels deep, a negative seed, and more agents than
// the host can start threads for. Each is one clear error, never a crash or a silent run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "legion/error.hpp"
#include "stress/cli.hpp"
#include "stress/config.hpp"
#include "stress/runner.hpp"
#include "support/child_process.hpp"

namespace {

std::string error_of(const nlohmann::json& document) {
  try {
    stress::parse_config(document, "dir/x.json");
  } catch (const legion::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(StressHostileInput, ANameCannotLeaveTheOutputDirectory) {
  for (const char* name : {"../../x", "a/b", "..", ".hidden", "/etc/passwd"}) {
    EXPECT_EQ(error_of({{"name", name}}),
              "dir/x.json: field 'name': must be letters, digits, '_', '-' and '.', not starting "
              "with '.' (it names the result file)")
        << name;
  }
  EXPECT_EQ(error_of({{"name", "load_v2.1-a"}}), "");
}

TEST(StressHostileInput, DeeplyNestedConfigIsAnErrorNotACrash) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("stress_deep_" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << "{\"name\": \"deep\", \"description\": " << std::string(90'000, '[')
                      << std::string(90'000, ']') << "}";
  try {
    stress::load_config(path);
    ADD_FAILURE() << "no error";
  } catch (const legion::ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ": nested deeper than 512 levels");
  }
  std::filesystem::remove(path);
}

TEST(StressHostileInput, ANegativeSeedIsBadInput) {
  const char* argv[] = {"legion-stress", "run", "baseline", "--seed", "-1"};
  std::ostringstream out, err;
  EXPECT_EQ(stress::run_cli(5, argv, out, err), 2);
  const std::string text = err.str();
  EXPECT_NE(text.find("--seed"), std::string::npos) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
}

// More agents than threads the host gives (ulimit -u, set in a child process, as nobody when
// the test runs as root): the run fails with an error naming the limit. It used to abort.
TEST(StressHostileInput, AgentsBeyondTheThreadLimitFailTheRunCleanly) {
  const auto child = legion_test::run_in_child(
      [] {
        if (!legion_test::limit_threads(64)) return std::string("cannot limit the threads");
        stress::RunOptions options;
        options.out_dir = std::filesystem::temp_directory_path() /
                          ("stress_agents_" + std::to_string(::getpid()));
        const auto c = stress::parse_config(
            nlohmann::json::parse(R"({"name": "agents", "model_latency": "fixed:1ms",
              "load": {"model": "closed", "agents": 2000, "tasks": 2000, "duration_s": 0.5}})"),
            "inline.json");
        const auto result = stress::run_scenario(c, options);
        std::filesystem::remove_all(options.out_dir);
        return (result.pass ? "pass " : "fail ") +
               result.json.value("errors", nlohmann::json()).dump();
      },
      std::chrono::seconds(120));
  ASSERT_TRUE(child.finished) << "the run hung when threads were refused";
  ASSERT_EQ(child.signal, 0) << "the run died: " << child.text;
  EXPECT_EQ(child.text.rfind("fail ", 0), 0u) << child.text;
  EXPECT_NE(child.text.find("cannot start agent thread "), std::string::npos) << child.text;
  EXPECT_NE(child.text.find(" of 2000 ("), std::string::npos) << child.text;
}

}  // namespace
