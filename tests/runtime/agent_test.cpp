#include "legion/agent.hpp"

#include <gtest/gtest.h>

#include "legion/error.hpp"
#include "legion/memory.hpp"
#include "legion/simulated_model.hpp"
#include "legion/trace.hpp"
#include "support/add_tool.hpp"

namespace legion {
namespace {

ToolRegistry make_tools() {
  ToolRegistry tools;
  legion_test::add_add_tool(tools);
  tools.add("explode", "Always throws.", Json{{"type", "object"}},
            [](const Json&) -> Json { throw std::runtime_error("boom"); });
  return tools;
}

std::string script(const std::string& lines) {
  return "[[script]]\n" + lines + "\n[[/script]]";
}

TEST(Agent, RunsAToolThenAnswers) {
  ToolRegistry tools = make_tools();
  SimulatedModel model;
  Agent agent({"calc", "a calculator", "add", "", {"add"}}, &tools);
  AgentResult result =
      agent.run(model, "Add.\n" + script("call add {\"a\": 2, \"b\": 3}\nanswer sum={{result}}"));
  EXPECT_EQ(result.answer, "sum=5");
  EXPECT_EQ(result.usage.model_calls, 2u);
  EXPECT_EQ(result.usage.tool_calls, 1u);
  EXPECT_GT(result.usage.prompt_tokens, 0u);
  ASSERT_EQ(result.transcript.size(), 5u);  // system, user, call, tool result, answer
  EXPECT_EQ(result.transcript[3].role, Role::kTool);
  EXPECT_EQ(result.transcript[3].content, "5");
  EXPECT_EQ(result.transcript[3].tool_call_id, result.transcript[2].tool_calls.at(0).id);
}

TEST(Agent, SameSeedSameTranscriptHash) {
  ToolRegistry tools = make_tools();
  const std::string task = script("call add {\"a\": 1, \"b\": 1}\nanswer {{result}}");
  SimulatedModel first({7, {}});
  SimulatedModel second({7, {}});
  Agent agent({"calc", "", "", "", {"add"}}, &tools);
  EXPECT_EQ(agent.run(first, task).hash(), agent.run(second, task).hash());
  EXPECT_NE(agent.run(first, task).hash(), agent.run(first, script("answer other")).hash());
}

TEST(Agent, InvalidArgumentsAndThrowingToolsBecomeToolErrors) {
  ToolRegistry tools = make_tools();
  SimulatedModel model;
  Agent agent({"calc", "", "", "", {"add", "explode"}}, &tools);
  AgentResult result = agent.run(
      model, script("call add {\"a\": \"x\", \"b\": 3}\ncall explode {}\ncall missing {}\n"
                    "answer {{results}}"));
  EXPECT_EQ(result.usage.tool_calls, 3u);
  EXPECT_NE(result.answer.find("invalid arguments"), std::string::npos) << result.answer;
  EXPECT_NE(result.answer.find("boom"), std::string::npos) << result.answer;
  EXPECT_NE(result.answer.find("unknown tool 'missing'"), std::string::npos) << result.answer;
}

TEST(Agent, MaxStepsStopsARunawayLoop) {
  ToolRegistry tools = make_tools();
  SimulatedModel model;
  AgentConfig config{"calc", "", "", "", {"add"}};
  config.max_steps = 2;
  Agent agent(config, &tools);
  const std::string calls = "call add {\"a\": 1, \"b\": 1}\n";
  EXPECT_THROW(agent.run(model, script(calls + calls + calls + "answer x")), Error);
}

TEST(Agent, ConfigErrors) {
  ToolRegistry tools = make_tools();
  EXPECT_THROW(Agent({"", "", "", "", {}}), ConfigError);
  EXPECT_THROW(Agent({"a", "", "", "", {"nope"}}, &tools), ConfigError);
  AgentConfig zero{"a", "", "", "", {}};
  zero.max_steps = 0;
  EXPECT_THROW(Agent{zero}, ConfigError);
}

TEST(Agent, ModelErrorsPropagateAndKeepTheConversation) {
  SimulatedModel model;
  Agent agent({"a", "", "", "", {}});
  std::vector<ChatMessage> conversation = {{Role::kSystem, agent.system_prompt(), {}, {}, {}},
                                           {Role::kUser, "no script here", {}, {}, {}}};
  Usage usage;
  EXPECT_THROW(agent.respond(model, conversation, usage), ScriptError);
  EXPECT_EQ(conversation.size(), 2u);
}

TEST(Agent, SearchesItsMemory) {
  DocumentStore memory;
  memory.add("doc-1", "the launch code is alpha");
  memory.add("doc-2", "the weather is mild");
  SimulatedModel model;
  Agent agent({"librarian", "", "", "", {}}, nullptr, &memory);
  AgentResult result = agent.run(model, script("call search_memory {\"query\": \"launch code\"}\n"
                                               "answer {{find:launch code is (\\w+)}}"));
  EXPECT_EQ(result.answer, "alpha");
}

TEST(Agent, TraceRecordsStepsModelAndToolCalls) {
  ToolRegistry tools = make_tools();
  SimulatedModel model;
  Agent agent({"calc", "", "", "", {"add"}}, &tools);
  Trace trace;
  RunContext context;
  context.trace = &trace;
  agent.run(model, script("call add {\"a\": 2, \"b\": 2}\nanswer {{result}}"), context);
  EXPECT_EQ(trace.count(SpanKind::kRun), 1u);
  EXPECT_EQ(trace.count(SpanKind::kAgentStep), 2u);
  EXPECT_EQ(trace.count(SpanKind::kModelCall), 2u);
  EXPECT_EQ(trace.count(SpanKind::kToolCall), 1u);
  const Json json = trace.to_json();
  EXPECT_EQ(json["spans"].size(), 6u);
  EXPECT_EQ(json["counts"]["model_call"], 2);
  for (const Span& span : trace.spans()) EXPECT_LE(span.start, span.end);
}

}  // namespace
}  // namespace legion
