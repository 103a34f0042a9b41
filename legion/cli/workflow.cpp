#include "workflow.hpp"

#include <functional>
#include <map>
#include <memory>
#include <sstream>

#include "legion/agent.hpp"
#include "legion/error.hpp"
#include "legion/executor.hpp"
#include "legion/json_input.hpp"
#include "legion/memory.hpp"
#include "legion/patterns.hpp"
#include "legion/store/task_store.hpp"
#include "legion/tool.hpp"
#include "workflow_model.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw ConfigError("workflow: " + where + ": " + what);
}

// Checks that `object` has only `allowed` fields, so a misspelt field is named, not ignored.
void only_fields(const json& object, const std::string& where,
                 std::initializer_list<const char*> allowed) {
  if (!object.is_object()) bad(where, "must be an object");
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) bad(where, "unknown field '" + name + "'");
  }
}

std::string text(const json& object, const std::string& where, const char* field,
                 const std::optional<std::string>& fallback = std::nullopt) {
  auto it = object.find(field);
  if (it == object.end()) {
    if (fallback) return *fallback;
    bad(where, std::string("'") + field + "' is required");
  }
  if (!it->is_string()) bad(where + "." + field, "must be a string");
  return it->get<std::string>();
}

std::size_t count(const json& object, const std::string& where, const char* field,
                  std::size_t fallback) {
  auto it = object.find(field);
  if (it == object.end()) return fallback;
  if (!it->is_number_unsigned() || it->get<std::size_t>() == 0) {
    bad(where + "." + field, "must be a positive integer");
  }
  return it->get<std::size_t>();
}

// The built-in, deterministic tools a spec can offer its agents.
Tool builtin_tool(const json& t, const std::string& where) {
  only_fields(t, where, {"name", "builtin", "description", "table"});
  std::string kind = text(t, where, "builtin");
  std::string name = text(t, where, "name", kind);
  auto number_pair = json::parse(R"({"type": "object", "required": ["a", "b"],
      "properties": {"a": {"type": "number"}, "b": {"type": "number"}}})");
  if (kind == "add" || kind == "multiply") {
    bool add = kind == "add";
    return {{name, text(t, where, "description", add ? "a + b" : "a * b"), number_pair},
            [add](const Json& args) -> Json {
              // Integers stay integers, so "2 + 3" reads back as 5, not 5.0.
              if (args["a"].is_number_integer() && args["b"].is_number_integer()) {
                auto a = args["a"].get<std::int64_t>(), b = args["b"].get<std::int64_t>();
                return add ? a + b : a * b;
              }
              double a = args["a"].get<double>(), b = args["b"].get<double>();
              return add ? a + b : a * b;
            }};
  }
  auto one_string = [](const char* field) {
    return Json{
        {"type", "object"}, {"required", {field}}, {"properties", {{field, {{"type", "string"}}}}}};
  };
  if (kind == "echo") {
    return {{name, text(t, where, "description", "returns its text"), one_string("text")},
            [](const Json& args) -> Json { return args["text"]; }};
  }
  if (kind == "lookup") {
    if (!t.contains("table") || !t["table"].is_object())
      bad(where, "lookup needs a 'table' object");
    auto table = std::make_shared<json>(t["table"]);
    return {{name, text(t, where, "description", "looks a key up"), one_string("key")},
            [table](const Json& args) -> Json {
              auto it = table->find(args["key"].get<std::string>());
              if (it == table->end())
                throw Error("no entry for '" + args["key"].get<std::string>() + "'");
              return *it;
            }};
  }
  bad(where + ".builtin", "unknown tool '" + kind + "' (add, multiply, echo, lookup)");
}

struct Workflow {
  ToolRegistry tools;
  std::vector<std::unique_ptr<DocumentStore>> memories;  // before agents: they point into them
  std::map<std::string, std::unique_ptr<Agent>> agents;
  std::unique_ptr<WorkflowModel> model;

  const Agent* agent(const json& name, const std::string& where) const {
    if (!name.is_string()) bad(where, "must be an agent name");
    auto it = agents.find(name.get<std::string>());
    if (it == agents.end()) bad(where, "unknown agent '" + name.get<std::string>() + "'");
    return it->second.get();
  }
  std::vector<const Agent*> agent_list(const json& names, const std::string& where) const {
    if (!names.is_array() || names.empty()) bad(where, "must be a non-empty list of agent names");
    std::vector<const Agent*> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
      out.push_back(agent(names[i], where + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
};

// An agent's own retrieval memory: documents as strings (ids "m1", "m2", ...) or
// {"id", "text"} objects; the agent gets the search_memory tool over them.
std::unique_ptr<DocumentStore> build_memory(const json& memory, const std::string& where) {
  if (!memory.is_array()) bad(where, "must be a list of documents");
  auto store = std::make_unique<DocumentStore>();
  std::vector<Document> documents;
  for (std::size_t i = 0; i < memory.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (memory[i].is_string()) {
      documents.push_back({"m" + std::to_string(i + 1), memory[i].get<std::string>()});
    } else {
      only_fields(memory[i], at, {"id", "text"});
      documents.push_back({text(memory[i], at, "id"), text(memory[i], at, "text")});
    }
  }
  try {
    store->add_batch(std::move(documents));
  } catch (const ConfigError& error) {
    bad(where, error.what());
  }
  return store;
}

void build(Workflow& w, const json& spec) {
  only_fields(spec, "spec", {"name", "model", "tools", "agents", "pattern"});
  w.model = make_workflow_model(spec.value("model", json{{"type", "simulated"}}));

  const json tools = spec.value("tools", json::array());
  if (!tools.is_array()) bad("tools", "must be a list");
  for (std::size_t i = 0; i < tools.size(); ++i) {
    std::string where = "tools[" + std::to_string(i) + "]";
    try {
      w.tools.add(builtin_tool(tools[i], where));
    } catch (const ConfigError& error) {
      if (std::string(error.what()).rfind("workflow:", 0) == 0) throw;
      bad(where, error.what());
    }
  }
  const json agents = spec.value("agents", json::array());
  if (!agents.is_array() || agents.empty()) bad("agents", "must be a non-empty list");
  for (std::size_t i = 0; i < agents.size(); ++i) {
    std::string where = "agents[" + std::to_string(i) + "]";
    const json& a = agents[i];
    only_fields(
        a, where,
        {"name", "role", "goal", "instructions", "tools", "max_steps", "memory", "memory_k"});
    AgentConfig config;
    config.name = text(a, where, "name");
    config.role = text(a, where, "role", std::string());
    config.goal = text(a, where, "goal", std::string());
    config.instructions = text(a, where, "instructions", std::string());
    config.max_steps = count(a, where, "max_steps", config.max_steps);
    for (const auto& tool : a.value("tools", json::array())) {
      if (!tool.is_string()) bad(where + ".tools", "must be a list of tool names");
      if (!w.tools.find(tool))
        bad(where + ".tools", "unknown tool '" + tool.get<std::string>() + "'");
      config.tools.push_back(tool);
    }
    if (w.agents.contains(config.name))
      bad(where + ".name", "duplicate agent '" + config.name + "'");
    config.memory_k = count(a, where, "memory_k", config.memory_k);
    const DocumentStore* memory = nullptr;
    if (a.contains("memory")) {
      w.memories.push_back(build_memory(a["memory"], where + ".memory"));
      memory = w.memories.back().get();
    }
    std::string name = config.name;
    w.agents[name] = std::make_unique<Agent>(std::move(config), &w.tools, memory);
  }
}

json usage_json(const Usage& u) {
  return {{"model_calls", u.model_calls},
          {"tool_calls", u.tool_calls},
          {"prompt_tokens", u.prompt_tokens},
          {"completion_tokens", u.completion_tokens},
          {"model_time_ms", std::chrono::duration<double, std::milli>(u.model_time).count()}};
}

json result_json(const PatternResult& r) {
  std::ostringstream hash;
  hash << std::hex << r.hash();
  return {{"answer", r.answer},
          {"hash", hash.str()},
          {"usage", usage_json(r.usage)},
          {"details", r.details}};
}

// FNV-1a over the spec's canonical text (nlohmann keeps object keys sorted): a checkpoint
// records it, so a workflow id reused for another spec is caught instead of resumed.
std::string spec_hash(const json& spec) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const unsigned char c : spec.dump()) hash = (hash ^ c) * 1099511628211ull;
  std::ostringstream hex;
  hex << std::hex << hash;
  return hex.str();
}

// The state of a checkpoint this spec wrote; ConfigError when another spec (or an older
// version, which recorded no hash) wrote it under the same workflow id.
json checkpoint_state(const store::Checkpoint& checkpoint, const std::string& hash) {
  ParsedJson state = parse_json(checkpoint.state);
  if (!state.ok() || !state.value.is_object()) {
    throw Error("run: the checkpoint of workflow '" + checkpoint.workflow_id +
                "' in the store is damaged (" + (state.ok() ? "not an object" : state.error) + ")");
  }
  const json& stored = state.value.value("spec_hash", json());
  if (stored != hash) {
    throw ConfigError("run: workflow id '" + checkpoint.workflow_id +
                      "' belongs to another spec in this store (its spec hash " +
                      (stored.is_string() ? stored.get<std::string>() : std::string("unknown")) +
                      ", this spec's " + hash +
                      "): give this run its own --workflow-id, or rerun the spec that made it");
  }
  return std::move(state.value);
}

// Stage by stage, each stage a one-stage pipeline, with a checkpoint after each: a rerun
// with the same store and workflow id starts after the last completed stage.
std::vector<Stage> pipeline_stages(const Workflow& w, const json& p) {
  only_fields(p, "pattern", {"type", "stages", "input"});
  const json& stages = p.value("stages", json());
  if (!stages.is_array() || stages.empty()) bad("pattern.stages", "must be a non-empty list");
  std::vector<Stage> parsed;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    std::string where = "pattern.stages[" + std::to_string(i) + "]";
    only_fields(stages[i], where, {"agent", "task"});
    parsed.push_back({w.agent(stages[i].value("agent", json()), where + ".agent"),
                      text(stages[i], where, "task", std::string("{{input}}"))});
  }
  return parsed;
}

json run_checkpointed_pipeline(const Workflow& w, const json& p, store::TaskStore* store,
                               const std::string& id, const std::string& spec,
                               const RunContext& context) {
  const std::vector<Stage> parsed = pipeline_stages(w, p);
  std::string input = text(p, "pattern", "input", std::string());
  std::size_t first = 0;
  json stage_results = json::array();
  if (store) {
    if (auto last = store->load_checkpoint(id)) {
      json state = checkpoint_state(*last, spec);
      first = static_cast<std::size_t>(last->step);
      input = state["input"];
      stage_results = state["stages"];
    }
  }
  std::size_t resumed_from = first;
  for (std::size_t i = first; i < parsed.size(); ++i) {
    PatternResult r = run_pipeline(std::span<const Stage>(&parsed[i], 1), *w.model, input, context);
    input = r.answer;
    stage_results.push_back(result_json(r));
    if (store) {
      store->save_checkpoint(
          {id, static_cast<int>(i + 1),
           json{{"spec_hash", spec}, {"input", input}, {"stages", stage_results}}.dump()});
    }
  }
  Usage total;
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a over the stage hashes, in order
  for (const auto& s : stage_results) {
    total.model_calls += s["usage"]["model_calls"].get<std::uint64_t>();
    total.tool_calls += s["usage"]["tool_calls"].get<std::uint64_t>();
    total.prompt_tokens += s["usage"]["prompt_tokens"].get<std::uint64_t>();
    total.completion_tokens += s["usage"]["completion_tokens"].get<std::uint64_t>();
    total.model_time += std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double, std::milli>(s["usage"]["model_time_ms"].get<double>()));
    hash = (hash ^ std::stoull(s["hash"].get<std::string>(), nullptr, 16)) * 1099511628211ull;
  }
  std::ostringstream hex;
  hex << std::hex << hash;
  return {{"answer", input},
          {"hash", hex.str()},
          {"usage", usage_json(total)},
          {"details", {{"stages", stage_results}}},
          {"resumed_from_step", resumed_from}};
}

// Reads and checks every field of a non-pipeline pattern, and returns the run to do: a spec
// is checked whole before anything runs, and `legion submit` checks it without running.
using PatternRun = std::function<PatternResult(const RunContext&)>;

PatternRun prepare_pattern(const Workflow& w, const json& p) {
  const std::string type = text(p, "pattern", "type");
  Model& model = *w.model;
  if (type == "single") {
    only_fields(p, "pattern", {"type", "agent", "task"});
    const Agent* agent = w.agent(p.value("agent", json()), "pattern.agent");
    std::string task = text(p, "pattern", "task");
    return
        [agent, &model, task](const RunContext& c) { return run_single(*agent, model, task, c); };
  }
  if (type == "hierarchy") {
    only_fields(p, "pattern", {"type", "manager", "workers", "task"});
    auto workers = w.agent_list(p.value("workers", json()), "pattern.workers");
    const Agent* manager = w.agent(p.value("manager", json()), "pattern.manager");
    std::string task = text(p, "pattern", "task");
    return [manager, workers, &model, task](const RunContext& c) {
      return run_hierarchy(*manager, workers, model, task, c);
    };
  }
  if (type == "group_chat") {
    only_fields(p, "pattern",
                {"type", "agents", "task", "max_turns", "selection", "selector", "terminate_on"});
    GroupChatOptions options;
    options.max_turns = count(p, "pattern", "max_turns", options.max_turns);
    options.terminate_on = text(p, "pattern", "terminate_on", options.terminate_on);
    std::string selection = text(p, "pattern", "selection", std::string("round_robin"));
    if (selection == "model") {
      options.selection = SpeakerSelection::kModel;
      options.selector = w.agent(p.value("selector", json()), "pattern.selector");
    } else if (selection != "round_robin") {
      bad("pattern.selection", "unknown selection '" + selection + "' (round_robin, model)");
    }
    auto agents = w.agent_list(p.value("agents", json()), "pattern.agents");
    std::string task = text(p, "pattern", "task");
    return [agents, &model, task, options](const RunContext& c) {
      return run_group_chat(agents, model, task, options, c);
    };
  }
  if (type == "consensus") {
    only_fields(p, "pattern", {"type", "voters", "question", "rule", "quorum"});
    ConsensusOptions options;
    std::string rule = text(p, "pattern", "rule", std::string("majority"));
    if (rule == "quorum") {
      options.rule = ConsensusRule::kQuorum;
      options.quorum = count(p, "pattern", "quorum", 0);
      if (options.quorum == 0) bad("pattern.quorum", "required for rule quorum");
    } else if (rule != "majority") {
      bad("pattern.rule", "unknown rule '" + rule + "' (majority, quorum)");
    }
    auto voters = w.agent_list(p.value("voters", json()), "pattern.voters");
    std::string question = text(p, "pattern", "question");
    return [voters, &model, question, options](const RunContext& c) {
      return run_consensus(voters, model, question, options, c);
    };
  }
  if (type == "fan_out") {
    only_fields(p, "pattern",
                {"type", "branches", "aggregator", "aggregator_task", "input", "threads"});
    const json& branches = p.value("branches", json());
    if (!branches.is_array() || branches.empty())
      bad("pattern.branches", "must be a non-empty list");
    std::vector<Stage> parsed;
    for (std::size_t i = 0; i < branches.size(); ++i) {
      std::string where = "pattern.branches[" + std::to_string(i) + "]";
      only_fields(branches[i], where, {"agent", "task"});
      parsed.push_back({w.agent(branches[i].value("agent", json()), where + ".agent"),
                        text(branches[i], where, "task")});
    }
    const Agent* aggregator =
        p.contains("aggregator") ? w.agent(p["aggregator"], "pattern.aggregator") : nullptr;
    std::size_t threads = count(p, "pattern", "threads", 2);
    std::string aggregator_task = text(p, "pattern", "aggregator_task", std::string("{{inputs}}"));
    std::string input = text(p, "pattern", "input", std::string());
    return [parsed, aggregator, threads, aggregator_task, &model, input](const RunContext& c) {
      Executor executor(threads);
      return run_fan_out(parsed, aggregator, aggregator_task, model, executor, input, c);
    };
  }
  if (type == "iterative") {
    only_fields(p, "pattern",
                {"type", "agent", "task", "until_contains", "feedback", "max_iterations"});
    std::string needle = text(p, "pattern", "until_contains");
    std::string feedback = text(p, "pattern", "feedback", "The answer must contain " + needle);
    auto checker = [needle, feedback](const std::string& answer) {
      return CheckResult{answer.find(needle) != std::string::npos, feedback};
    };
    const Agent* agent = w.agent(p.value("agent", json()), "pattern.agent");
    std::string task = text(p, "pattern", "task");
    std::size_t max_iterations = count(p, "pattern", "max_iterations", 10);
    return [agent, &model, task, checker, max_iterations](const RunContext& c) {
      return run_iterative(*agent, model, task, checker, max_iterations, c);
    };
  }
  bad("pattern.type",
      "unknown pattern '" + type +
          "' (single, pipeline, hierarchy, group_chat, consensus, fan_out, iterative)");
}

}  // namespace

json load_workflow(const std::string& path) {
  return parse_workflow(read_text_file(path), path);
}

json parse_workflow(std::string_view text, const std::string& source) {
  ParsedJson spec = parse_json(text);
  if (!spec.ok()) throw ConfigError(source + ": " + spec.error);
  return std::move(spec.value);
}

void validate_workflow(const json& spec) {
  Workflow w;
  build(w, spec);
  const json& pattern = spec.value("pattern", json());
  if (!pattern.is_object()) bad("pattern", "is required (an object)");
  if (text(pattern, "pattern", "type") == "pipeline") {
    pipeline_stages(w, pattern);
    text(pattern, "pattern", "input", std::string());
  } else {
    prepare_pattern(w, pattern);
  }
}

json run_workflow(const json& spec, store::TaskStore* store, const std::string& workflow_id,
                  const RunContext& context) {
  Workflow w;
  build(w, spec);
  const json& pattern = spec.value("pattern", json());
  if (!pattern.is_object()) bad("pattern", "is required (an object)");
  const std::string name = text(spec, "spec", "name", std::string("workflow"));
  const std::string id = workflow_id.empty() ? name : workflow_id;
  const std::string hash = spec_hash(spec);
  json result;
  if (text(pattern, "pattern", "type") == "pipeline") {
    result = run_checkpointed_pipeline(w, pattern, store, id, hash, context);
  } else if (auto done = store ? store->load_checkpoint(id) : std::nullopt) {
    // Finished before: the stored result, not a rerun.
    result = checkpoint_state(*done, hash).value("result", json::object());
    result["resumed_from_step"] = done->step;
  } else {
    result = result_json(prepare_pattern(w, pattern)(context));
    result["resumed_from_step"] = 0;
    if (store)
      store->save_checkpoint({id, 1, json{{"spec_hash", hash}, {"result", result}}.dump()});
  }
  result["workflow"] = id;
  result["pattern"] = pattern["type"];
  result["model_calls_total"] = w.model->calls();
  return result;
}

}  // namespace legion::cli
