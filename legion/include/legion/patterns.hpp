#pragma once
// Orchestration patterns: how several agents (or runs of one agent) combine into one
// result. Each pattern returns a PatternResult whose hash covers every transcript in a
// fixed order, so "did the same work" can be checked run to run and framework to framework.
//
//   single       one agent, one task
//   pipeline     stage i's answer becomes stage i+1's {{input}}
//   hierarchy    a manager delegates to workers through the `delegate` tool
//   group chat   agents take turns on a shared conversation carried by the message bus;
//                round robin or a selector agent picks the next speaker
//   consensus    N voters answer "VOTE: X" in parallel; majority or quorum decides
//   fan-out      branches run in parallel, an aggregator combines their answers
//   iterative    the agent retries with the checker's feedback until the checker passes
//   human        the agent may call `ask_human`, answered by a callback
//
// Each pattern comes twice: run_X blocks the calling thread until the result is there (model
// latency included), run_X_async is the same pattern as a coroutine that holds no thread while
// its agents wait for the model (task.hpp). run_X is sync_wait(run_X_async(...)): one
// implementation, the same results and hashes. For the async forms, the agents, the model, the
// executor, the spans' elements and what the context points to must outlive the task; strings,
// options, callbacks and the context are copied.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "legion/agent.hpp"
#include "legion/task.hpp"

namespace legion {

class Executor;

struct PatternResult {
  std::string answer;
  Usage usage;
  std::vector<AgentResult> runs;  // every agent run, in a deterministic order
  Json details = Json::object();  // pattern specifics: votes, turns, iterations
  std::uint64_t hash() const;     // combines the runs' transcript hashes in order
};

PatternResult run_single(const Agent& agent, Model& model, std::string task,
                         const RunContext& context = {});
Task<PatternResult> run_single_async(const Agent& agent, Model& model, std::string task,
                                     RunContext context = {});

// `task` may contain {{input}}: the pipeline input for stage 0, the previous answer after.
struct Stage {
  const Agent* agent = nullptr;
  std::string task;
};
PatternResult run_pipeline(std::span<const Stage> stages, Model& model, const std::string& input,
                           const RunContext& context = {});
Task<PatternResult> run_pipeline_async(std::span<const Stage> stages, Model& model,
                                       std::string input, RunContext context = {});

// The manager is offered `delegate` {"worker": name, "task": text}; a call runs that worker
// on the task and returns its answer (an unknown worker is a tool error the manager sees).
PatternResult run_hierarchy(const Agent& manager, std::span<const Agent* const> workers,
                            Model& model, std::string task, const RunContext& context = {});
Task<PatternResult> run_hierarchy_async(const Agent& manager, std::span<const Agent* const> workers,
                                        Model& model, std::string task, RunContext context = {});

enum class SpeakerSelection { kRoundRobin, kModel };
struct GroupChatOptions {
  SpeakerSelection selection = SpeakerSelection::kRoundRobin;
  const Agent* selector = nullptr;  // required for kModel: its reply names the next speaker
  std::size_t max_turns = 10;
  std::string terminate_on = "TERMINATE";  // a turn containing it ends the chat
  std::size_t mailbox_capacity = 1024;
};
PatternResult run_group_chat(std::span<const Agent* const> agents, Model& model,
                             const std::string& task, const GroupChatOptions& options = {},
                             const RunContext& context = {});
Task<PatternResult> run_group_chat_async(std::span<const Agent* const> agents, Model& model,
                                         std::string task, GroupChatOptions options = {},
                                         RunContext context = {});

enum class ConsensusRule { kMajority, kQuorum };
struct ConsensusOptions {
  ConsensusRule rule = ConsensusRule::kMajority;  // majority: more than half of the voters
  std::size_t quorum = 0;                         // kQuorum: at least this many equal votes
  Executor* executor = nullptr;                   // voters run in parallel on it; inline if null
};
// details: {"votes": {agent: option}, "tally": {option: count}, "reached": bool}. The answer
// is the winning option, or empty when no option reached the rule.
PatternResult run_consensus(std::span<const Agent* const> voters, Model& model,
                            const std::string& question, const ConsensusOptions& options = {},
                            const RunContext& context = {});
// With an executor the voters' runs hold no thread while they wait: any number of voters
// overlaps their model calls on a few workers.
Task<PatternResult> run_consensus_async(std::span<const Agent* const> voters, Model& model,
                                        std::string question, ConsensusOptions options = {},
                                        RunContext context = {});

// Branches run in parallel; the aggregator's task has {{inputs}} replaced by the branches'
// answers, one per line, in branch order. Without an aggregator the answers, joined the
// same way, are the answer.
PatternResult run_fan_out(std::span<const Stage> branches, const Agent* aggregator,
                          const std::string& aggregator_task, Model& model, Executor& executor,
                          const std::string& input = {}, const RunContext& context = {});
Task<PatternResult> run_fan_out_async(std::span<const Stage> branches, const Agent* aggregator,
                                      std::string aggregator_task, Model& model, Executor& executor,
                                      std::string input = {}, RunContext context = {});

struct CheckResult {
  bool passed = false;
  std::string feedback;  // sent back to the agent as a user message when not passed
};
using Checker = std::function<CheckResult(const std::string& answer)>;
// details: {"iterations": n, "passed": bool}. Throws Error when max_iterations pass.
PatternResult run_iterative(const Agent& agent, Model& model, std::string task,
                            const Checker& checker, std::size_t max_iterations = 10,
                            const RunContext& context = {});
Task<PatternResult> run_iterative_async(const Agent& agent, Model& model, std::string task,
                                        Checker checker, std::size_t max_iterations = 10,
                                        RunContext context = {});

// details: {"human_calls": n}.
PatternResult run_with_human(const Agent& agent, Model& model, std::string task,
                             HumanCallback human, const RunContext& context = {});
Task<PatternResult> run_with_human_async(const Agent& agent, Model& model, std::string task,
                                         HumanCallback human, RunContext context = {});

// The answer of a voter: the option after "VOTE:" (trimmed), or the trimmed text.
std::string parse_vote(std::string_view answer);

}  // namespace legion
