// The patterns whose agents run at once on the executor: consensus and fan-out / fan-in. The
// runs are coroutines (for_each_async), so while they wait for the model they hold no worker.
// Results land in slots indexed by position, so the outcome never depends on finish order.
#include <map>

#include "legion/error.hpp"
#include "legion/executor.hpp"
#include "legion/fork_join.hpp"
#include "legion/patterns.hpp"
#include "legion/sync_wait.hpp"
#include "pattern_internal.hpp"

namespace legion {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n.");
  return text.substr(first, last - first + 1);
}

// One agent run whose result lands in its slot.
Task<void> run_into(const Agent& agent, Model& model, std::string task, RunContext context,
                    AgentResult& slot) {
  slot = co_await agent.run_async(model, std::move(task), std::move(context));
}

}  // namespace

std::string parse_vote(std::string_view answer) {
  constexpr std::string_view kMarker = "VOTE:";
  const auto at = answer.rfind(kMarker);
  if (at != std::string_view::npos) answer = answer.substr(at + kMarker.size());
  return std::string(trim(answer));
}

Task<PatternResult> run_consensus_async(std::span<const Agent* const> voters, Model& model,
                                        std::string question, ConsensusOptions options,
                                        RunContext context) {
  if (voters.empty()) throw ConfigError("consensus: no voters");
  if (options.rule == ConsensusRule::kQuorum &&
      (options.quorum == 0 || options.quorum > voters.size())) {
    throw ConfigError("consensus: quorum must be between 1 and the number of voters (" +
                      std::to_string(voters.size()) + ")");
  }
  std::vector<AgentResult> runs(voters.size());
  co_await for_each_async(options.executor, voters.size(), [&](std::size_t i) {
    return run_into(*voters[i], model, question, context, runs[i]);
  });

  PatternResult result;
  Json votes = Json::object();
  std::map<std::string, std::size_t> tally;  // ordered: ties resolve the same way every run
  for (std::size_t i = 0; i < voters.size(); ++i) {
    const std::string vote = parse_vote(runs[i].answer);
    votes[voters[i]->name()] = vote;
    ++tally[vote];
    result.usage += runs[i].usage;
  }
  const std::size_t needed =
      options.rule == ConsensusRule::kMajority ? voters.size() / 2 + 1 : options.quorum;
  std::string winner;
  std::size_t best = 0;
  for (const auto& [option, count] : tally) {
    if (count > best) {
      best = count;
      winner = option;
    }
  }
  const bool reached = best >= needed;
  result.answer = reached ? winner : std::string();
  result.runs = std::move(runs);
  result.details = {
      {"votes", std::move(votes)}, {"tally", tally}, {"needed", needed}, {"reached", reached}};
  co_return std::move(result);
}

PatternResult run_consensus(std::span<const Agent* const> voters, Model& model,
                            const std::string& question, const ConsensusOptions& options,
                            const RunContext& context) {
  return sync_wait(run_consensus_async(voters, model, question, options, context));
}

Task<PatternResult> run_fan_out_async(std::span<const Stage> branches, const Agent* aggregator,
                                      std::string aggregator_task, Model& model, Executor& executor,
                                      std::string input, RunContext context) {
  if (branches.empty()) throw ConfigError("fan-out: no branches");
  for (const Stage& branch : branches) {
    if (!branch.agent) throw ConfigError("fan-out: a branch has no agent");
  }
  std::vector<AgentResult> runs(branches.size());
  co_await for_each_async(&executor, branches.size(), [&](std::size_t i) {
    return run_into(*branches[i].agent, model,
                    detail::replace_all(branches[i].task, "{{input}}", input), context, runs[i]);
  });

  PatternResult result;
  std::string joined;
  for (const AgentResult& run : runs) {
    if (!joined.empty()) joined += "\n";
    joined += run.answer;
    result.usage += run.usage;
  }
  result.runs = std::move(runs);
  if (aggregator) {
    AgentResult combined = co_await aggregator->run_async(
        model, detail::replace_all(aggregator_task, "{{inputs}}", joined), context);
    result.answer = combined.answer;
    result.usage += combined.usage;
    result.runs.push_back(std::move(combined));
  } else {
    result.answer = std::move(joined);
  }
  result.details = {{"branches", branches.size()}};
  co_return std::move(result);
}

PatternResult run_fan_out(std::span<const Stage> branches, const Agent* aggregator,
                          const std::string& aggregator_task, Model& model, Executor& executor,
                          const std::string& input, const RunContext& context) {
  return sync_wait(
      run_fan_out_async(branches, aggregator, aggregator_task, model, executor, input, context));
}

}  // namespace legion
