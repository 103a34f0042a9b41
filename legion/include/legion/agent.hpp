#pragma once
// An agent: a role, a goal, instructions, tools and an optional retrieval memory, driven by
// a step loop - ask the model, run the tool calls it asks for, repeat until it answers in
// text or max_steps is reached. An Agent is immutable after construction, so one agent may
// serve many concurrent runs; each run owns its conversation.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "legion/model.hpp"
#include "legion/tool.hpp"

namespace legion {

class DocumentStore;
class Trace;

struct AgentConfig {
  std::string name;
  std::string role;
  std::string goal;
  std::string instructions;        // appended to the system prompt (may hold a model script)
  std::vector<std::string> tools;  // names in the ToolRegistry handed to the Agent
  std::size_t max_steps = 16;      // model calls per respond(); past it the run fails
  std::size_t memory_k = 3;        // documents returned by the search_memory tool
};

// What a run cost; additive, so patterns sum the runs they orchestrate.
struct Usage {
  std::uint64_t model_calls = 0;
  std::uint64_t tool_calls = 0;
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
  std::chrono::nanoseconds model_time{0};
  Usage& operator+=(const Usage& other);
};

using HumanCallback = std::function<std::string(const std::string& question)>;

// Per-run services, all optional. Not owned.
struct RunContext {
  Trace* trace = nullptr;
  std::uint64_t parent_span = 0;
  // Offered to the agent as the `ask_human` tool ({"question": string}) when set.
  HumanCallback human;
  // Tools a pattern adds for this run only (the hierarchy's `delegate`); looked up first.
  const ToolRegistry* extra_tools = nullptr;
};

struct AgentResult {
  std::string answer;
  std::vector<ChatMessage> transcript;  // system prompt first
  Usage usage;
  std::size_t steps = 0;
  std::uint64_t hash() const { return hash_transcript(transcript); }
};

// The built-in tools' contracts, public so a framework-free caller can offer the model
// exactly the same tools (same names, descriptions, schemas, hence the same prompt tokens).
const ToolSpec& search_memory_spec();  // {"query": string}
const ToolSpec& ask_human_spec();      // {"question": string}

class Agent {
 public:
  // Throws ConfigError for an empty name, a tool name missing from `tools`, max_steps == 0.
  // `tools` and `memory` must outlive the agent.
  explicit Agent(AgentConfig config, const ToolRegistry* tools = nullptr,
                 const DocumentStore* memory = nullptr);

  const std::string& name() const { return config_.name; }
  const AgentConfig& config() const { return config_; }
  const std::string& system_prompt() const { return system_prompt_; }

  // A fresh conversation: system prompt, then the task as a user message.
  AgentResult run(Model& model, std::string task, const RunContext& context = {}) const;

  // Continues `conversation` (system prompt first) until the model replies in text;
  // appends every message to it and returns that text. Throws Error when max_steps model
  // calls pass without a text reply; model errors (ScriptError, ModelError) propagate.
  std::string respond(Model& model, std::vector<ChatMessage>& conversation, Usage& usage,
                      const RunContext& context = {}) const;

  // The same two without holding a thread while the model (or an asynchronous tool) is away.
  // Same steps, messages, usage and hash as run() and respond(), which block instead (the model's
  // complete(), an asynchronous tool waited for on the calling thread). The agent, the model,
  // `conversation`, `usage` and what the context points to must outlive the task; the context
  // itself is copied.
  Task<AgentResult> run_async(Model& model, std::string task, RunContext context = {}) const;
  Task<std::string> respond_async(Model& model, std::vector<ChatMessage>& conversation,
                                  Usage& usage, RunContext context = {}) const;

 private:
  struct ToolRoute {
    const ToolRegistry* registry;  // invoke the call there, or
    ToolResult result;             // the answer already known
  };
  ToolRoute route(const ToolCall& call, const RunContext& context) const;
  AgentResult start_run(std::string task) const;
  std::vector<ToolSpec> tool_specs(const RunContext& context) const;

  AgentConfig config_;
  std::string system_prompt_;
  const ToolRegistry* tools_;
  std::vector<const Tool*> own_tools_;
  const DocumentStore* memory_;
};

}  // namespace legion
