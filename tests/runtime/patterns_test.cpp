#include "legion/patterns.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "legion/error.hpp"
#include "legion/executor.hpp"
#include "legion/simulated_model.hpp"
#include "legion/trace.hpp"

namespace legion {
namespace {

std::string script(const std::string& lines) {
  return "[[script]]\n" + lines + "\n[[/script]]";
}

Agent scripted(const std::string& name, const std::string& lines) {
  return Agent({name, "", "", script(lines), {}});
}

TEST(Patterns, PipelinePassesEachAnswerOn) {
  SimulatedModel model;
  Agent a({"a", "", "", "", {}}), b({"b", "", "", "", {}}), c({"c", "", "", "", {}});
  const Stage stages[] = {{&a, "{{input}} " + script("answer A({{last}})")},
                          {&b, "{{input}}|" + script("answer B")},
                          {&c, "from {{input}} " + script("answer C")}};
  PatternResult result = run_pipeline(stages, model, "x");
  EXPECT_EQ(result.answer, "C");
  ASSERT_EQ(result.runs.size(), 3u);
  EXPECT_EQ(result.runs[1].transcript[1].content.substr(0, 2), "A(");
  EXPECT_EQ(result.usage.model_calls, 3u);
}

TEST(Patterns, HierarchyDelegatesToWorkers) {
  SimulatedModel model;
  Agent manager({"manager", "", "", "", {}});
  // Workers carry their scripts in their instructions (the system prompt); the manager's
  // delegated text reaches them as the user task.
  const std::string manager_task =
      "[[script]]\ndelegate w1 do part one\ndelegate w2 do part two\ndelegate nobody x\n"
      "answer {{result:1}}+{{result:2}}|{{result:3}}\n[[/script]]";
  Agent s1 = scripted("w1", "answer one"), s2 = scripted("w2", "answer two");
  const Agent* scripted_workers[] = {&s1, &s2};
  PatternResult result = run_hierarchy(manager, scripted_workers, model, manager_task);
  EXPECT_EQ(result.answer.substr(0, 8), "one+two|");
  EXPECT_NE(result.answer.find("unknown worker 'nobody'"), std::string::npos) << result.answer;
  EXPECT_EQ(result.runs.size(), 3u);  // manager + 2 delegated runs
  EXPECT_EQ(result.usage.model_calls, 4u + 2u);
  EXPECT_EQ(result.details["delegations"], 2);
}

TEST(Patterns, RoundRobinGroupChatOverTheBus) {
  SimulatedModel model;
  Agent alice = scripted("alice", "say hi from alice\nsay alice heard {{last}}");
  Agent bob = scripted("bob", "say bob heard {{last}}\nsay done TERMINATE");
  const Agent* agents[] = {&alice, &bob};
  Trace trace;
  RunContext context;
  context.trace = &trace;
  PatternResult result = run_group_chat(agents, model, "Chat.", {}, context);
  const Json& turns = result.details["turns"];
  ASSERT_EQ(turns.size(), 4u);
  EXPECT_EQ(turns[0]["speaker"], "alice");
  EXPECT_EQ(turns[1]["text"], "bob heard alice: hi from alice");
  EXPECT_EQ(turns[2]["text"], "alice heard bob: bob heard alice: hi from alice");
  EXPECT_EQ(result.answer, "done TERMINATE");
  EXPECT_EQ(result.details["bus"]["published"], 4);
  EXPECT_GT(trace.count(SpanKind::kBusHop), 0u);
}

TEST(Patterns, ModelSelectedSpeaker) {
  SimulatedModel model;
  Agent alice = scripted("alice", "say a1\nsay a2");
  Agent bob = scripted("bob", "say b1 TERMINATE");
  Agent selector = scripted("selector", "select alice\nselect alice\nselect bob");
  const Agent* agents[] = {&alice, &bob};
  GroupChatOptions options;
  options.selection = SpeakerSelection::kModel;
  options.selector = &selector;
  PatternResult result = run_group_chat(agents, model, "Chat.", options);
  const Json& turns = result.details["turns"];
  ASSERT_EQ(turns.size(), 3u);
  EXPECT_EQ(turns[1]["text"], "a2");
  EXPECT_EQ(turns[2]["speaker"], "bob");
  EXPECT_EQ(result.runs.size(), 3u);

  Agent wrong = scripted("selector", "select carol");
  options.selector = &wrong;
  EXPECT_THROW(run_group_chat(agents, model, "Chat.", options), Error);
}

TEST(Patterns, ConsensusMajorityAndQuorumInParallel) {
  SimulatedModel model;
  Executor executor(2);
  std::vector<Agent> voters;
  const char* votes[] = {"yes", "no", "yes", "yes", "no"};
  for (int i = 0; i < 5; ++i)
    voters.push_back(scripted("v" + std::to_string(i), std::string("vote ") + votes[i]));
  std::vector<const Agent*> pointers;
  for (const Agent& v : voters) pointers.push_back(&v);

  ConsensusOptions options;
  options.executor = &executor;
  PatternResult majority = run_consensus(pointers, model, "Ship it?", options);
  EXPECT_EQ(majority.answer, "yes");
  EXPECT_EQ(majority.details["tally"]["yes"], 3);
  EXPECT_TRUE(majority.details["reached"].get<bool>());

  options.rule = ConsensusRule::kQuorum;
  options.quorum = 4;
  PatternResult quorum = run_consensus(pointers, model, "Ship it?", options);
  EXPECT_EQ(quorum.answer, "");
  EXPECT_FALSE(quorum.details["reached"].get<bool>());
  // Parallel and inline runs do identical work.
  options.executor = nullptr;
  EXPECT_EQ(run_consensus(pointers, model, "Ship it?", options).hash(), quorum.hash());

  options.quorum = 6;
  EXPECT_THROW(run_consensus(pointers, model, "Ship it?", options), ConfigError);
}

TEST(Patterns, FanOutJoinsInBranchOrder) {
  SimulatedModel model;
  Executor executor(2);
  Agent worker({"worker", "", "", "", {}});
  Agent aggregator({"aggregator", "", "", "", {}});
  std::vector<Stage> branches;
  for (int i = 0; i < 8; ++i) {
    branches.push_back({&worker, "{{input}}" + script("answer part " + std::to_string(i))});
  }
  PatternResult result = run_fan_out(branches, &aggregator,
                                     "Combine:\n{{inputs}}\n" + script("answer {{find:(part 7)}}"),
                                     model, executor, "go");
  EXPECT_EQ(result.answer, "part 7");
  EXPECT_EQ(result.runs.size(), 9u);
  EXPECT_EQ(result.runs[3].answer, "part 3");
  PatternResult joined = run_fan_out(branches, nullptr, "", model, executor);
  EXPECT_EQ(joined.answer.substr(0, 13), "part 0\npart 1");
}

TEST(Patterns, IterativeUntilTheCheckerPasses) {
  SimulatedModel model;
  Agent solver({"solver", "", "", "", {}});
  const std::string task = script("say 1\nsay 2\nanswer 3");
  int checks = 0;
  auto checker = [&](const std::string& answer) {
    ++checks;
    return CheckResult{answer == "3", "not yet: " + answer};
  };
  PatternResult result = run_iterative(solver, model, task, checker, 5);
  EXPECT_EQ(result.answer, "3");
  EXPECT_EQ(result.details["iterations"], 3);
  EXPECT_EQ(checks, 3);
  EXPECT_THROW(run_iterative(solver, model, task, checker, 2), Error);
}

TEST(Patterns, HumanInTheLoop) {
  SimulatedModel model;
  Agent agent({"assistant", "", "", "", {}});
  std::vector<std::string> asked;
  PatternResult result = run_with_human(
      agent, model,
      script("call ask_human {\"question\": \"deploy?\"}\nanswer human said {{result}}"),
      [&](const std::string& question) {
        asked.push_back(question);
        return std::string("approved");
      });
  EXPECT_EQ(result.answer, "human said approved");
  EXPECT_EQ(result.details["human_calls"], 1);
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0], "deploy?");
}

TEST(Patterns, ParseVote) {
  EXPECT_EQ(parse_vote("VOTE: yes"), "yes");
  EXPECT_EQ(parse_vote("I think... VOTE:  no.\n"), "no");
  EXPECT_EQ(parse_vote("  maybe "), "maybe");
}

TEST(Patterns, ConcurrentRunsOfOneAgentAreIndependent) {
  SimulatedModel model;
  Executor executor(2);
  Agent worker({"worker", "", "", "", {}});
  std::vector<Stage> branches;
  for (int i = 0; i < 64; ++i)
    branches.push_back({&worker, script("answer r" + std::to_string(i))});
  Trace trace;  // recorded from both workers at once
  RunContext context;
  context.trace = &trace;
  PatternResult result = run_fan_out(branches, nullptr, "", model, executor, {}, context);
  EXPECT_EQ(result.runs.size(), 64u);
  EXPECT_EQ(trace.count(SpanKind::kRun), 64u);
  EXPECT_EQ(trace.count(SpanKind::kModelCall), 64u);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(result.runs[i].answer, "r" + std::to_string(i));
  EXPECT_EQ(model.counters().calls, 64u);
}

}  // namespace
}  // namespace legion
