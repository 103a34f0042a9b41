// Determinism acceptance: every scenario of the catalog, on every adapter that supports it,
// gives the expected answer and identical output hashes and model-call counts on a rerun,
// in the same adapter and in a fresh one, and every other adapter did LEGION's work
// wherever it applies.
#include <gtest/gtest.h>

#include <stdexcept>

#include "run_adapter.hpp"

namespace legion::adapters {
namespace {

using test_support::kCatalog;
using test_support::run_once;

// Frameworks with their own virtualenv cannot share a process with those of .venv (one
// embedded interpreter per process): each has its own test file (openai_agents_test.cpp).
bool own_virtualenv(const std::string& framework) {
  return framework == "openai_agents";
}

TEST(Adapters, EveryScenarioValidatesAndRerunsIdentically) {
  const std::vector<Scenario> catalog = load_catalog(kCatalog);
  ASSERT_EQ(catalog.size(), 12u);
  for (const std::string& framework : adapter_names()) {
    if (own_virtualenv(framework)) continue;
    const auto adapter = make_adapter(framework);
    for (const Scenario& s : catalog) {
      if (!adapter->support(s).supported) continue;
      for (const Bindings& b : parameter_grid(s, true)) {
        SCOPED_TRACE(framework + " " + s.id);
        Outcome again;
        const Outcome first = run_once(framework, s, b, 7, &again);
        EXPECT_EQ(check_outcome(first, instantiate(s, b, 7)), "");
        EXPECT_EQ(check_repeat(again, first), "");
        const Outcome fresh = run_once(framework, s, b, 7);
        EXPECT_EQ(check_repeat(fresh, first), "");
      }
    }
  }
}

// Where a framework's own idiom legitimately does different work from LEGION's, with the
// reason. Such a run must still validate (right answer, at least the minimum model calls) and
// makes the same number of model and tool calls unless the entry says otherwise; only what the
// entry names may differ. Keep this list short: everything else must do LEGION's work.
struct KnownDifference {
  const char* framework;
  const char* scenario;
  bool same_calls;  // same model and tool calls; only the hash differs
  const char* reason;
};
constexpr KnownDifference kKnownDifferences[] = {
    {"crewai", "hierarchical", true,
     "CrewAI's manager delegates through its own \"Delegate work to coworker\" tool "
     "(delegate_work_to_coworker, {task, context, coworker}) instead of LEGION's "
     "delegate {worker, task}: the manager's tool calls differ in name and arguments, the "
     "workers' answers and the call counts do not"},
};

const KnownDifference* known_difference(const std::string& framework, const std::string& id) {
  for (const KnownDifference& d : kKnownDifferences) {
    if (framework == d.framework && id == d.scenario) return &d;
  }
  return nullptr;
}

// Every framework, embedded Python ones included, does LEGION's work: the same model replies
// and tool results (hash), the same number of model and tool calls.
TEST(Adapters, EveryFrameworkDoesLegionsWork) {
  for (const std::string& framework : adapter_names()) {
    if (framework == "legion" || own_virtualenv(framework)) continue;
    const auto adapter = make_adapter(framework);
    std::size_t compared = 0;
    for (const Scenario& s : load_catalog(kCatalog)) {
      if (!adapter->support(s).supported) continue;
      const Bindings b = parameter_grid(s, true).front();
      SCOPED_TRACE(framework + " " + s.id);
      const Outcome native = run_once("legion", s, b, 42);
      const Outcome other = run_once(framework, s, b, 42);
      if (const KnownDifference* d = known_difference(framework, s.id)) {
        SCOPED_TRACE(d->reason);
        EXPECT_EQ(check_outcome(other, instantiate(s, b, 42)), "");
        EXPECT_NE(native.output_hash, other.output_hash) << "no longer differs: drop the entry";
        if (d->same_calls) {
          EXPECT_EQ(native.model_calls, other.model_calls);
          EXPECT_EQ(native.tool_calls, other.tool_calls);
        }
        continue;
      }
      EXPECT_EQ(native.output_hash, other.output_hash);
      EXPECT_EQ(native.model_calls, other.model_calls);
      EXPECT_EQ(native.tool_calls, other.tool_calls);
      ++compared;
    }
    EXPECT_GE(compared, 6u) << framework;
  }
}

// Scenario figures (Outcome::metrics) reach the harness: LEGION's sandbox time per code
// execution, and a Python package's "metrics" from run().
TEST(Adapters, MetricsReachTheOutcome) {
  const Scenario code = load_scenario(kCatalog + "/code_generation_execution.json");
  EXPECT_GT(run_once("legion", code, {}, 42).metrics.at("code_exec_ns"), 0);
  EXPECT_GT(run_once("autogen", code, {}, 42).metrics.at("code_exec_ns"), 0);
  const Scenario human = load_scenario(kCatalog + "/human_in_the_loop.json");
  const Outcome asked = run_once("autogen", human, {}, 42);
  EXPECT_EQ(asked.metrics.at("human_asks"), 2);
  EXPECT_GT(asked.metrics.at("human_round_trip_ns"), 0);
  const Scenario team = load_scenario(kCatalog + "/team_coordination.json");
  EXPECT_EQ(run_once("autogen", team, {}, 42).metrics.at("turns"), 10);
}

TEST(Adapters, TheSeedChangesTheInputs) {
  const Scenario s = load_scenario(kCatalog + "/simple_task.json");
  EXPECT_NE(instantiate(s, {}, 1).expected, instantiate(s, {}, 2).expected);
  EXPECT_NE(run_once("legion", s, {}, 1).output_hash, run_once("legion", s, {}, 2).output_hash);
}

TEST(Adapters, DirectExplainsWhatItDoesNotSupport) {
  const auto direct = make_adapter("direct");
  const auto caps = direct->capabilities(load_catalog(kCatalog));
  EXPECT_TRUE(caps.at("simple_task").supported);
  EXPECT_FALSE(caps.at("hierarchical").supported);
  EXPECT_NE(caps.at("hierarchical").reason.find("hierarchy"), std::string::npos);
  EXPECT_FALSE(caps.at("concurrent_execution").reason.empty());
  for (const auto& [id, support] : make_adapter("legion")->capabilities(load_catalog(kCatalog))) {
    EXPECT_TRUE(support.supported) << id;
  }
}

TEST(Adapters, UnknownFrameworkListsTheKnownOnes) {
  try {
    make_adapter("crewai-nope");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(),
                 "unknown framework 'crewai-nope' (known: agent_framework, autogen, crewai, "
                 "direct, langchain, legion, openai_agents)");
  }
}

TEST(Validation, RejectsAWrongAnswerTooFewCallsAndAChangedHash) {
  ScenarioInput input;
  input.expected = "The sum is 5";
  input.min_model_calls = 2;
  Outcome outcome{"The sum is 5", 2, 1, 10, 5, {}, 0xabc, {}};
  EXPECT_EQ(check_outcome(outcome, input), "");
  outcome.answer = "The sum is 6";
  EXPECT_EQ(check_outcome(outcome, input), "wrong answer: 'The sum is 6', expected 'The sum is 5'");
  outcome.answer = "The sum is 5";
  outcome.model_calls = 1;
  EXPECT_EQ(check_outcome(outcome, input), "too few model calls: 1 < 2");
  Outcome changed = outcome;
  changed.output_hash = 0xabd;
  EXPECT_NE(check_repeat(changed, outcome).find("output hash changed"), std::string::npos);
}

}  // namespace
}  // namespace legion::adapters
