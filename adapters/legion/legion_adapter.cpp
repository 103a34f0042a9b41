#include "legion_adapter.hpp"

#include <atomic>
#include <chrono>
#include <deque>

#include "code_runner.hpp"
#include "legion/agent.hpp"
#include "legion/error.hpp"
#include "legion/executor.hpp"
#include "legion/fork_join.hpp"
#include "legion/patterns.hpp"
#include "legion/sync_wait.hpp"
#include "resources.hpp"
#include "tool_catalogue.hpp"
#include "work_hash.hpp"

namespace legion::adapters {
namespace {

Outcome to_outcome(PatternResult result) {
  Outcome out;
  out.answer = std::move(result.answer);
  out.model_calls = result.usage.model_calls;
  out.tool_calls = result.usage.tool_calls;
  out.prompt_tokens = result.usage.prompt_tokens;
  out.completion_tokens = result.usage.completion_tokens;
  out.model_time = result.usage.model_time;
  WorkHash hash;
  out.transcripts.reserve(result.runs.size());
  for (AgentResult& run : result.runs) {
    hash.add(run.transcript);
    out.transcripts.push_back(std::move(run.transcript));
  }
  out.output_hash = hash.value();
  return out;
}

class LegionAdapter final : public Adapter {
 public:
  std::string name() const override { return "legion"; }
  std::string version() const override { return LEGION_VERSION; }
  Support support(const Scenario& scenario) const override {
    return scenario.execute_code ? code_execution_support() : Support{};
  }

  void prepare(const Scenario& scenario, const RunConfig& config) override {
    teardown();
    const ScenarioInput input = instantiate(scenario, config.parameters, config.seed);
    res_.build(scenario, input, config);
    for (const AgentSpec& spec : input.agents) {
      AgentConfig agent{spec.name, spec.role, spec.goal, spec.instructions, {}};
      bool wants_memory = false;
      for (const std::string& tool : spec.tools) {
        if (tool == "search_memory") {
          wants_memory = true;
        } else {
          agent.tools.push_back(tool);
        }
      }
      if (wants_memory && !res_.memory) throw ConfigError("search_memory without corpus_documents");
      // Long tool chains are the scenario, not a runaway agent: allow the minimum and a margin.
      agent.max_steps = std::max<std::size_t>(agent.max_steps, input.min_model_calls + 16);
      agent.memory_k = kMemoryTopK;
      agents_.emplace_back(std::move(agent), &res_.tools,
                           wants_memory ? res_.memory.get() : nullptr);
    }
    for (const Agent& agent : agents_) pointers_.push_back(&agent);
    if (input.pattern == Pattern::kConsensus || input.pattern == Pattern::kConcurrent ||
        input.pattern == Pattern::kFanOut) {
      executor_ = std::make_unique<Executor>();
    }
    if (input.execute_code) code_ = std::make_unique<CodeRunner>();
  }

  Outcome run(const ScenarioInput& in) override {
    const Agent& first = agents_.front();
    switch (in.pattern) {
      case Pattern::kSingle:
        if (in.execute_code) return run_code(in);
        return to_outcome(run_single(first, res_.active(), in.tasks[0]));
      case Pattern::kPipeline: {
        std::vector<Stage> stages;
        for (std::size_t i = 0; i < agents_.size(); ++i)
          stages.push_back({pointers_[i], in.tasks[i]});
        return to_outcome(run_pipeline(stages, res_.active(), in.pipeline_input));
      }
      case Pattern::kHierarchy:
        return to_outcome(
            run_hierarchy(first, std::span(pointers_).subspan(1), res_.active(), in.tasks[0]));
      case Pattern::kGroupChat: {
        GroupChatOptions options;
        options.max_turns = in.max_turns;
        return to_outcome(run_group_chat(pointers_, res_.active(), in.tasks[0], options));
      }
      case Pattern::kConsensus: {
        ConsensusOptions options;
        options.executor = executor_.get();
        return to_outcome(run_consensus(pointers_, res_.active(), in.tasks[0], options));
      }
      case Pattern::kFanOut: {
        std::vector<Stage> branches;
        for (std::size_t i = 0; i < agents_.size(); ++i)
          branches.push_back({pointers_[i], in.tasks[i]});
        return to_outcome(
            run_fan_out(branches, nullptr, "", res_.active(), *executor_, in.pipeline_input));
      }
      case Pattern::kIterative: {
        const std::string& expected = in.expected;
        const std::string& feedback = in.checker_feedback;
        return to_outcome(run_iterative(
            first, res_.active(), in.tasks[0],
            [&](const std::string& answer) {
              return CheckResult{answer == expected, feedback};
            },
            in.max_iterations));
      }
      case Pattern::kHuman: {
        std::size_t next = 0;  // one run is sequential: a plain counter suffices
        return to_outcome(
            run_with_human(first, res_.active(), in.tasks[0], [&](const std::string&) {
              return in.human_replies[next++ % in.human_replies.size()];
            }));
      }
      case Pattern::kConcurrent:
        return run_concurrent(in);
    }
    throw Error("legion adapter: unknown pattern");
  }

  void teardown() override {
    code_.reset();
    executor_.reset();
    pointers_.clear();
    agents_.clear();
    res_.reset();
  }

 private:
  // The model's code runs in the sandbox; its output comes back as the next user message.
  Outcome run_code(const ScenarioInput& in) {
    const Agent& agent = agents_.front();
    AgentResult run;
    run.transcript = {{Role::kSystem, agent.system_prompt(), {}, {}, {}},
                      {Role::kUser, in.tasks[0], {}, {}, {}}};
    const std::string reply = agent.respond(res_.active(), run.transcript, run.usage);
    const auto started = std::chrono::steady_clock::now();
    run.transcript.push_back({Role::kUser, code_->feedback_for(reply), {}, {}, {}});
    const std::chrono::nanoseconds executing = std::chrono::steady_clock::now() - started;
    PatternResult result;
    result.answer = agent.respond(res_.active(), run.transcript, run.usage);
    result.usage = run.usage;
    result.runs.push_back(std::move(run));
    Outcome out = to_outcome(std::move(result));
    out.metrics["code_exec_ns"] = static_cast<double>(executing.count());  // the sandbox's cost
    return out;
  }

  // N independent runs of the first agent at once, as coroutines on the executor: a run
  // waiting for the model holds no worker, so N runs overlap their model calls on a few
  // threads. Results land in slots by index, so the outcome does not depend on which worker
  // finished first.
  static Task<void> run_into(const Agent& agent, Model& model, const std::string& task,
                             PatternResult& slot) {
    slot = co_await run_single_async(agent, model, task);
  }

  Outcome run_concurrent(const ScenarioInput& in) {
    std::vector<PatternResult> results(in.runs_at_once);
    sync_wait(for_each_async(executor_.get(), results.size(), [&](std::size_t i) {
      return run_into(agents_.front(), res_.active(), in.tasks[0], results[i]);
    }));
    PatternResult all;
    all.answer = results.front().answer;
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (results[i].answer != all.answer) {
        all.answer = "run " + std::to_string(i) + " answered '" + results[i].answer + "'";
        break;
      }
    }
    for (PatternResult& r : results) {
      all.usage += r.usage;
      for (AgentResult& run : r.runs) all.runs.push_back(std::move(run));
    }
    return to_outcome(std::move(all));
  }

  ScenarioResources res_;
  std::deque<Agent> agents_;  // stable addresses for pointers_
  std::vector<const Agent*> pointers_;
  std::unique_ptr<Executor> executor_;
  std::unique_ptr<CodeRunner> code_;
};

}  // namespace

std::unique_ptr<Adapter> make_legion_adapter() {
  return std::make_unique<LegionAdapter>();
}

}  // namespace legion::adapters
