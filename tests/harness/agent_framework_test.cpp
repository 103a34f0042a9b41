// The Microsoft Agent Framework adapter (adapters/agent_framework): every scenario of the
// catalogue is supported (the generic tests in adapters_test.cpp then check that it does
// LEGION's work), the framework's own figures reach the outcome, and a call that crashes
// inside the framework is reported with the Python traceback's last line.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "run_adapter.hpp"

namespace legion::adapters {
namespace {

using test_support::kCatalog;

Outcome run_once(const Scenario& s) {
  return test_support::run_once("agent_framework", s, {}, 42);
}

TEST(AgentFramework, SupportsEveryScenario) {
  const auto adapter = make_adapter("agent_framework");
  const std::vector<Scenario> catalog = load_catalog(kCatalog);
  ASSERT_EQ(catalog.size(), 12u);
  for (const auto& [id, support] : adapter->capabilities(catalog)) {
    EXPECT_TRUE(support.supported) << id << ": " << support.reason;
  }
  EXPECT_EQ(adapter->version(), "agent-framework-core 1.23.0");
}

TEST(AgentFramework, ReportsItsOwnFigures) {
  const Outcome team = run_once(load_scenario(kCatalog + "/team_coordination.json"));
  EXPECT_EQ(team.metrics.at("turns"), 10);
  const Outcome manager = run_once(load_scenario(kCatalog + "/hierarchical.json"));
  EXPECT_EQ(manager.metrics.at("delegations"), 3);
  const Outcome asked = run_once(load_scenario(kCatalog + "/human_in_the_loop.json"));
  EXPECT_EQ(asked.metrics.at("human_asks"), 2);
  EXPECT_GT(asked.metrics.at("human_round_trip_ns"), 0);
  EXPECT_GT(run_once(load_scenario(kCatalog + "/code_generation_execution.json"))
                .metrics.at("code_exec_ns"),
            0);
}

// The script runs out after its tool call: the model raises ScriptError inside the
// framework's tool loop, and the run fails with the error and the frame that raised it.
TEST(AgentFramework, ACrashInsideTheFrameworkCarriesTheTracebacksLastLine) {
  Scenario s = load_scenario(kCatalog + "/simple_task.json");
  s.tasks = {"Add.\n[[script]]\ncall add {\"a\": 1, \"b\": 2}\n[[/script]]"};
  try {
    run_once(s);
    FAIL() << "no exception";
  } catch (const std::exception& error) {
    const std::string what = error.what();
    EXPECT_EQ(what.rfind("ScriptError: script has 1 steps; step 2 requested", 0), 0u) << what;
    EXPECT_NE(what.find("legion_agent_framework/chat_client.py"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace legion::adapters
