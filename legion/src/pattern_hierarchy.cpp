#include "legion/error.hpp"
#include "legion/patterns.hpp"
#include "legion/sync_wait.hpp"

namespace legion {

Task<PatternResult> run_hierarchy_async(const Agent& manager, std::span<const Agent* const> workers,
                                        Model& model, std::string task, RunContext context) {
  if (workers.empty()) throw ConfigError("hierarchy: no workers");
  PatternResult result;
  std::vector<AgentResult> delegated;  // in delegation order

  // Asynchronous: the manager's run waits for the worker's without holding a thread. The tool
  // lives in this frame, so what it captures by reference outlives every call.
  ToolRegistry delegation;
  delegation.add_async(
      "delegate", "Delegate a task to a worker and return the worker's answer.",
      Json{{"type", "object"},
           {"properties", {{"worker", {{"type", "string"}}}, {"task", {{"type", "string"}}}}},
           {"required", {"worker", "task"}}},
      [&](const Json& arguments) -> Task<Json> {
        const std::string name = arguments["worker"].get<std::string>();
        for (const Agent* worker : workers) {
          if (worker->name() == name) {
            delegated.push_back(
                co_await worker->run_async(model, arguments["task"].get<std::string>(), context));
            co_return delegated.back().answer;
          }
        }
        throw ConfigError("unknown worker '" + name + "'");
      });

  RunContext manager_context = context;
  manager_context.extra_tools = &delegation;
  AgentResult manager_run =
      co_await manager.run_async(model, std::move(task), std::move(manager_context));
  result.answer = manager_run.answer;
  result.usage = manager_run.usage;
  result.runs.push_back(std::move(manager_run));
  for (AgentResult& run : delegated) {
    result.usage += run.usage;
    result.runs.push_back(std::move(run));
  }
  result.details = {{"delegations", delegated.size()}};
  co_return std::move(result);
}

PatternResult run_hierarchy(const Agent& manager, std::span<const Agent* const> workers,
                            Model& model, std::string task, const RunContext& context) {
  return sync_wait(run_hierarchy_async(manager, workers, model, std::move(task), context));
}

}  // namespace legion
