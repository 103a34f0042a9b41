// The stress engine's agents: N distinct agents (own name, own memory) whose tasks are workflow
// tasks run by `legion worker`'s handler, and a checker that only accepts an answer from the
// task's own agent, memory and operands.
#include "stress/agent_work.hpp"

#include <gtest/gtest.h>

#include "legion/store/task_store.hpp"
#include "store/test_env.hpp"
#include "workflow_task.hpp"

namespace stress {
namespace {

using nlohmann::json;

std::string run_task(const std::string& payload) {
  legion::store::testing::TempDir dir;
  auto store = legion::store::open_store("sqlite://" + dir.path() + "/s.db");
  legion::store::Task task;
  task.key = "k";
  task.payload = payload;
  std::uint64_t calls = 0;
  auto handler = legion::cli::workflow_task_handler(
      *store, [&](std::chrono::nanoseconds, std::uint64_t, std::uint64_t) { ++calls; });
  auto result = handler(task);
  EXPECT_EQ(calls, 2u) << "two model calls per task";
  return result;
}

TEST(StressAgentWork, EachAgentHasItsOwnNameAndMemory) {
  AgentWork work("none", 42, 3, 10);
  auto a = work.spec(0), b = work.spec(1);
  EXPECT_EQ(a["agents"][0]["name"], "agent-0");
  EXPECT_EQ(b["agents"][0]["name"], "agent-1");
  EXPECT_NE(a["agents"][0]["memory"], b["agents"][0]["memory"]);
  EXPECT_NE(work.expected_answer(5, 0), work.expected_answer(5, 1));
}

TEST(StressAgentWork, TheWorkflowHandlerAnswersAsTheTasksOwnAgent) {
  AgentWork work("none", 42, 3, 10);
  std::string payload = work.payload(4, 2);
  std::string result = run_task(payload);
  EXPECT_EQ(json::parse(result)["answer"], work.expected_answer(4, 2));
  EXPECT_TRUE(work.check(4, result));
  EXPECT_FALSE(work.check(5, result)) << "another task's operands";
  AgentWork other_agent("none", 42, 3, 10);
  other_agent.payload(4, 1);
  EXPECT_FALSE(other_agent.check(4, result)) << "another agent's memory";
  EXPECT_FALSE(work.check(7, result)) << "a task never submitted";
  EXPECT_FALSE(work.check(4, "{\"answer\": 5}"));
  EXPECT_FALSE(work.check(4, "not json"));
}

}  // namespace
}  // namespace stress
