#pragma once
// `legion run WORKFLOW.json`: a workflow spec (docs/workflow-spec.md) -> agents, tools, a
// model (simulated or OpenAI-compatible HTTP) and one orchestration pattern -> a JSON result. With
// a store, a pipeline checkpoints after every stage and a rerun resumes after the last completed
// one; any other pattern checkpoints its finished result, so a rerun returns it without running
// again.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "legion/agent.hpp"

namespace legion::store {
class TaskStore;
}

namespace legion::cli {

// Throws legion::ConfigError naming the offending field ("agents[1].tools: unknown tool 'x'")
// for a malformed spec; other legion::Errors when the run itself fails. `context` reaches
// every agent run (a Trace there records each model call).
nlohmann::json run_workflow(const nlohmann::json& spec, store::TaskStore* store,
                            const std::string& workflow_id, const RunContext& context = {});

// Checks a spec whole (model, tools, agents, the pattern's fields and agent names) without
// running it; ConfigError naming the field as run_workflow would.
void validate_workflow(const nlohmann::json& spec);

// Reads and parses the file; a read or JSON error is a ConfigError naming the file.
nlohmann::json load_workflow(const std::string& path);
// The parse of load_workflow: `text` as read from `source` (named in the error).
nlohmann::json parse_workflow(std::string_view text, const std::string& source);

}  // namespace legion::cli
