#pragma once
// Workflow tasks: what `legion submit --workflow SPEC --inputs FILE` queues, one task per
// input line, and how `legion worker` runs one.
//
// Payload: {"workflow": SPEC, "input": TEXT}. The input goes where the pattern takes its
// input: `pattern.input` for pipeline and fan_out; the `{{input}}` placeholder in
// `pattern.task` (single, hierarchy, group_chat, iterative) or `pattern.question` (consensus),
// which must be there. A pipeline task checkpoints after every stage under "task:KEY" in the
// store the worker claims from, so a task interrupted mid-workflow resumes after its last
// completed stage on whichever worker claims it next; a one-step pattern's only checkpoint
// would be its result, which the completion records. The result (run_workflow's JSON) is
// stored with the task.
#include <nlohmann/json.hpp>
#include <string>

#include "legion/store/worker.hpp"
#include "store_commands.hpp"

namespace legion::cli {

// The spec with `input` placed; ConfigError naming the field when the pattern has no place
// for it.
nlohmann::json with_input(const nlohmann::json& spec, const std::string& input);

// Checks the spec (validate_workflow) and the input (a string), and returns the payload.
std::string workflow_task_payload(const nlohmann::json& spec, const nlohmann::json& input);

// The checkpoint key of a task's workflow.
std::string task_workflow_id(const std::string& key);

// The handler for one worker thread: checkpoints through `store`; every model call of a task
// is reported to `model_calls` (may be empty). A payload that is not a workflow task throws
// (the store retries it, then dead-letters it).
store::TaskHandler workflow_task_handler(store::TaskStore& store, const ModelCallSink& model_calls);

// Both, for main(): the hooks the store commands take.
WorkflowHooks workflow_hooks();

}  // namespace legion::cli
