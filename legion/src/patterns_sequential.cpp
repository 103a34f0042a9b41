// The patterns that run one agent at a time: single, pipeline, iterative, human-in-the-loop.
#include <atomic>

#include "legion/error.hpp"
#include "legion/hash.hpp"
#include "legion/patterns.hpp"
#include "legion/sync_wait.hpp"
#include "pattern_internal.hpp"

namespace legion {

std::uint64_t PatternResult::hash() const {
  std::uint64_t hash = fnv1a("legion-pattern-v1");
  for (const AgentResult& run : runs) {
    hash = fnv1a_value(run.hash(), hash);
  }
  return hash;
}

// single and pipeline come twice, as coroutines and as plain loops over the blocking agent
// calls (agent.hpp says why); one step of each is shared, so both do the same work.
namespace {

PatternResult single_result(AgentResult run) {
  PatternResult result;
  result.answer = run.answer;
  result.usage = run.usage;
  result.runs.push_back(std::move(run));
  return result;
}

const Agent& stage_agent(const Stage& stage) {
  if (!stage.agent) throw ConfigError("pipeline: a stage has no agent");
  return *stage.agent;
}

void check_stages(std::span<const Stage> stages, PatternResult& result) {
  if (stages.empty()) throw ConfigError("pipeline: no stages");
  result.runs.reserve(stages.size());
}

// Books a stage's run and returns its answer, the next stage's {{input}}.
std::string finish_stage(AgentResult run, PatternResult& result) {
  std::string answer = run.answer;
  result.usage += run.usage;
  result.runs.push_back(std::move(run));
  return answer;
}

}  // namespace

Task<PatternResult> run_single_async(const Agent& agent, Model& model, std::string task,
                                     RunContext context) {
  co_return single_result(co_await agent.run_async(model, std::move(task), std::move(context)));
}

PatternResult run_single(const Agent& agent, Model& model, std::string task,
                         const RunContext& context) {
  return single_result(agent.run(model, std::move(task), context));
}

Task<PatternResult> run_pipeline_async(std::span<const Stage> stages, Model& model,
                                       std::string input, RunContext context) {
  PatternResult result;
  check_stages(stages, result);
  for (const Stage& stage : stages) {
    input = finish_stage(co_await stage_agent(stage).run_async(
                             model, detail::replace_all(stage.task, "{{input}}", input), context),
                         result);
  }
  result.answer = std::move(input);
  co_return std::move(result);
}

PatternResult run_pipeline(std::span<const Stage> stages, Model& model, const std::string& input,
                           const RunContext& context) {
  PatternResult result;
  check_stages(stages, result);
  std::string carried = input;
  for (const Stage& stage : stages) {
    carried =
        finish_stage(stage_agent(stage).run(
                         model, detail::replace_all(stage.task, "{{input}}", carried), context),
                     result);
  }
  result.answer = std::move(carried);
  return result;
}

Task<PatternResult> run_iterative_async(const Agent& agent, Model& model, std::string task,
                                        Checker checker, std::size_t max_iterations,
                                        RunContext context) {
  if (!checker) throw ConfigError("iterative: no checker");
  if (max_iterations == 0) throw ConfigError("iterative: max_iterations must be > 0");
  AgentResult run;
  run.transcript.push_back({Role::kSystem, agent.system_prompt(), {}, {}, {}});
  run.transcript.push_back({Role::kUser, std::move(task), {}, {}, {}});
  for (std::size_t iteration = 1; iteration <= max_iterations; ++iteration) {
    run.answer = co_await agent.respond_async(model, run.transcript, run.usage, context);
    const CheckResult check = checker(run.answer);
    if (check.passed) {
      PatternResult result;
      result.answer = run.answer;
      result.usage = run.usage;
      result.details = {{"iterations", iteration}, {"passed", true}};
      run.steps = run.usage.model_calls;
      result.runs.push_back(std::move(run));
      co_return std::move(result);
    }
    run.transcript.push_back({Role::kUser, check.feedback, {}, {}, {}});
  }
  throw Error("iterative: the checker did not pass within " + std::to_string(max_iterations) +
              " iterations (last answer: '" + run.answer + "')");
}

PatternResult run_iterative(const Agent& agent, Model& model, std::string task,
                            const Checker& checker, std::size_t max_iterations,
                            const RunContext& context) {
  return sync_wait(
      run_iterative_async(agent, model, std::move(task), checker, max_iterations, context));
}

Task<PatternResult> run_with_human_async(const Agent& agent, Model& model, std::string task,
                                         HumanCallback human, RunContext context) {
  if (!human) throw ConfigError("human-in-the-loop: no human callback");
  std::size_t calls = 0;
  context.human = [&](const std::string& question) {
    ++calls;  // one run is sequential, so a plain counter is enough
    return human(question);
  };
  PatternResult result = co_await run_single_async(agent, model, std::move(task), context);
  result.details = {{"human_calls", calls}};
  co_return std::move(result);
}

PatternResult run_with_human(const Agent& agent, Model& model, std::string task,
                             HumanCallback human, const RunContext& context) {
  return sync_wait(run_with_human_async(agent, model, std::move(task), std::move(human), context));
}

}  // namespace legion
