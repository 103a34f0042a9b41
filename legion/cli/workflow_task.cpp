#include "workflow_task.hpp"

#include "legion/error.hpp"
#include "legion/json_input.hpp"
#include "legion/trace.hpp"
#include "workflow.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;

// Replaces every {{input}} in field `name` of the pattern; ConfigError when there is none.
void place(json& pattern, const char* name, const std::string& input) {
  auto it = pattern.find(name);
  const std::string where = std::string("workflow: pattern.") + name;
  if (it == pattern.end() || !it->is_string()) {
    throw ConfigError(where + ": needs to be a string with {{input}} for the task's input");
  }
  std::string text = it->get<std::string>();
  const std::string mark = "{{input}}";
  std::size_t at = text.find(mark);
  if (at == std::string::npos) {
    throw ConfigError(where + ": has no {{input}} placeholder for the task's input");
  }
  for (; at != std::string::npos; at = text.find(mark, at + input.size())) {
    text.replace(at, mark.size(), input);
  }
  *it = text;
}

}  // namespace

json with_input(const json& spec, const std::string& input) {
  json out = spec;
  if (!out.is_object() || !out.contains("pattern") || !out["pattern"].is_object()) {
    throw ConfigError("workflow: pattern: is required (an object)");
  }
  json& pattern = out["pattern"];
  const std::string type = pattern.value("type", std::string());
  if (type == "pipeline" || type == "fan_out") {
    pattern["input"] = input;
  } else if (type == "consensus") {
    place(pattern, "question", input);
  } else {
    place(pattern, "task", input);
  }
  return out;
}

std::string workflow_task_payload(const json& spec, const json& input) {
  if (!input.is_string()) throw ConfigError("'input' must be a string");
  validate_workflow(with_input(spec, input.get<std::string>()));
  return json{{"workflow", spec}, {"input", input}}.dump();
}

std::string task_workflow_id(const std::string& key) {
  return "task:" + key;
}

store::TaskHandler workflow_task_handler(store::TaskStore& store,
                                         const ModelCallSink& model_calls) {
  return [&store, model_calls](const store::Task& task) {
    ParsedJson parsed = parse_json(task.payload);
    if (!parsed.ok()) throw Error("task '" + task.key + "': payload " + parsed.error);
    json& payload = parsed.value;
    if (!payload.is_object() || !payload.contains("workflow") || !payload.contains("input") ||
        !payload["input"].is_string()) {
      throw Error("task '" + task.key +
                  "' is not a workflow task (payload needs \"workflow\" and \"input\"; tasks "
                  "for the test handler run with `legion worker --test-handler`)");
    }
    Trace trace;
    RunContext context;
    if (model_calls) context.trace = &trace;
    json spec = with_input(payload["workflow"], payload["input"]);
    // A pipeline checkpoints after each stage: a task interrupted there resumes after its last
    // completed stage. A one-step pattern has nothing to resume from; its only checkpoint would
    // be its result, which the task's completion records anyway, so it costs no extra commit.
    const bool pipeline = spec["pattern"].value("type", std::string()) == "pipeline";
    json result =
        run_workflow(spec, pipeline ? &store : nullptr, task_workflow_id(task.key), context);
    if (model_calls) {
      for (const auto& span : trace.spans()) {
        if (span.kind != SpanKind::kModelCall) continue;
        model_calls(span.end - span.start, span.attributes.value("prompt_tokens", std::uint64_t{0}),
                    span.attributes.value("completion_tokens", std::uint64_t{0}));
      }
    }
    return result.dump();
  };
}

WorkflowHooks workflow_hooks() {
  return {workflow_task_payload, workflow_task_handler};
}

}  // namespace legion::cli
