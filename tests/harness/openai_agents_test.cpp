// The OpenAI Agents SDK adapter (adapters/openai_agents). It embeds its own virtualenv
// (.venv-openai-agents: the SDK's openai >= 3 conflicts with CrewAI's pins), and a process
// embeds one interpreter, so its checks live in this executable, not in adapters_test's
// loops over the frameworks that share .venv; ctest runs each test in its own process.
#include <gtest/gtest.h>

#include <map>

#include "legion/error.hpp"
#include "run_adapter.hpp"

namespace legion::adapters {
namespace {

using test_support::kCatalog;
using test_support::run_once;

// The SDK's own figures, published as counters, at the scenarios' smallest size.
const std::map<std::string, std::map<std::string, double>> kMetrics = {
    {"hierarchical", {{"delegations", 3}}},
    {"team_coordination", {{"turns", 10}, {"model_responses", 10}}},
    {"multi_turn_conversation", {{"turns", 4}}},
    {"iterative_problem_solving", {{"iterations", 3}}},
    {"human_in_the_loop", {{"human_asks", 2}}},
};

// Every scenario at its smallest size: supported, valid, repeatable in the same adapter and in
// a fresh one, and LEGION's work (same replies and tool results, same model and tool calls);
// and the SDK's figures reach the outcome (one process: the SDK's import is most of the time).
TEST(OpenAIAgents, EveryScenarioDoesLegionsWork) {
  const std::vector<Scenario> catalog = load_catalog(kCatalog);
  ASSERT_EQ(catalog.size(), 12u);
  const auto adapter = make_adapter("openai_agents");
  for (const Scenario& s : catalog) {
    const Support support = adapter->support(s);
    EXPECT_TRUE(support.supported) << s.id << ": " << support.reason;
    if (!support.supported) continue;
    for (const Bindings& b : parameter_grid(s, true)) {
      SCOPED_TRACE(s.id);
      Outcome again;
      const Outcome first = run_once("openai_agents", s, b, 7, &again);
      EXPECT_EQ(check_outcome(first, instantiate(s, b, 7)), "");
      EXPECT_EQ(check_repeat(again, first), "");
      EXPECT_EQ(check_repeat(run_once("openai_agents", s, b, 7), first), "");
      const Outcome native = run_once("legion", s, b, 7);
      EXPECT_EQ(native.output_hash, first.output_hash);
      EXPECT_EQ(native.model_calls, first.model_calls);
      EXPECT_EQ(native.tool_calls, first.tool_calls);
      if (const auto it = kMetrics.find(s.id); it != kMetrics.end()) {
        for (const auto& [name, value] : it->second)
          EXPECT_EQ(first.metrics.at(name), value) << name;
      }
      if (s.execute_code) {
        EXPECT_GT(first.metrics.at("code_exec_ns"), 0);
      }
    }
  }
}

// A call that fails inside the SDK's run (here the model, on a script reading a tool result
// that does not exist) is an error whose message starts with the Python traceback's last line
// (type and message) and names the innermost frame.
TEST(OpenAIAgents, ACrashedRunReportsThePythonTracebacksLastLine) {
  Scenario s = load_scenario(kCatalog + "/simple_task.json");
  s.tasks = {"Add.\n[[script]]\ncall add {\"a\": 1, \"b\": 2}\nanswer {{result:3}}\n[[/script]]"};
  auto adapter = make_adapter("openai_agents");
  adapter->prepare(s, RunConfig{});
  try {
    adapter->run(instantiate(s, {}, 0));
    FAIL() << "no exception";
  } catch (const Error& error) {
    const std::string what = error.what();
    EXPECT_EQ(what.rfind("ScriptError: ", 0), 0u) << what;
    EXPECT_NE(what.find("{{result:3}}"), std::string::npos) << what;
    EXPECT_NE(what.find(" (at "), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
  adapter->teardown();
}

// One virtualenv per process: a framework of the shared .venv cannot start in a process whose
// interpreter runs .venv-openai-agents; it says so instead of importing the wrong packages.
TEST(OpenAIAgents, AnotherVirtualenvInTheSameProcessIsAConfigError) {
  make_adapter("openai_agents")->start();
  try {
    make_adapter("langchain")->start();
    FAIL() << "no exception";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("run each framework in its own process"),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace legion::adapters
