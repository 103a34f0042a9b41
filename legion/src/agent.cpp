#include "legion/agent.hpp"

#include "legion/error.hpp"
#include "legion/memory.hpp"
#include "legion/trace.hpp"

namespace legion {
namespace {

std::string build_system_prompt(const AgentConfig& config) {
  std::string prompt = "You are " + config.name;
  if (!config.role.empty()) prompt += ", " + config.role;
  prompt += ".";
  if (!config.goal.empty()) prompt += " Your goal: " + config.goal + ".";
  if (!config.instructions.empty()) prompt += "\n" + config.instructions;
  return prompt;
}

// Lends the caller's conversation to the request for one run and moves it back, with what the
// run appended, when the run ends: also when the model throws mid-loop. The move out happens
// here, so the caller never names the moved-from vector.
class Lend {
 public:
  Lend(std::vector<ChatMessage>& owner, std::vector<ChatMessage>& borrower)
      : owner_(owner), borrower_(borrower) {
    borrower_ = std::move(owner_);
  }
  ~Lend() { owner_ = std::move(borrower_); }
  Lend(const Lend&) = delete;
  Lend& operator=(const Lend&) = delete;

 private:
  std::vector<ChatMessage>& owner_;
  std::vector<ChatMessage>& borrower_;
};

}  // namespace

const ToolSpec& search_memory_spec() {
  static const ToolSpec spec{"search_memory",
                             "Search the agent's memory and return the most relevant documents.",
                             Json{{"type", "object"},
                                  {"properties", {{"query", {{"type", "string"}}}}},
                                  {"required", {"query"}}}};
  return spec;
}

const ToolSpec& ask_human_spec() {
  static const ToolSpec spec{"ask_human",
                             "Ask the human operator a question and wait for the reply.",
                             Json{{"type", "object"},
                                  {"properties", {{"question", {{"type", "string"}}}}},
                                  {"required", {"question"}}}};
  return spec;
}

Usage& Usage::operator+=(const Usage& other) {
  model_calls += other.model_calls;
  tool_calls += other.tool_calls;
  prompt_tokens += other.prompt_tokens;
  completion_tokens += other.completion_tokens;
  model_time += other.model_time;
  return *this;
}

Agent::Agent(AgentConfig config, const ToolRegistry* tools, const DocumentStore* memory)
    : config_(std::move(config)), tools_(tools), memory_(memory) {
  if (config_.name.empty()) throw ConfigError("agent: the name must not be empty");
  if (config_.max_steps == 0)
    throw ConfigError("agent '" + config_.name + "': max_steps must be > 0");
  own_tools_.reserve(config_.tools.size());
  for (const std::string& tool : config_.tools) {
    const Tool* found = tools_ ? tools_->find(tool) : nullptr;
    if (!found) throw ConfigError("agent '" + config_.name + "': unknown tool '" + tool + "'");
    own_tools_.push_back(found);
  }
  system_prompt_ = build_system_prompt(config_);
}

std::vector<ToolSpec> Agent::tool_specs(const RunContext& context) const {
  std::vector<ToolSpec> specs;
  for (const Tool* tool : own_tools_) specs.push_back(tool->spec);
  if (memory_) specs.push_back(search_memory_spec());
  if (context.human) specs.push_back(ask_human_spec());
  if (context.extra_tools) {
    for (ToolSpec& spec : context.extra_tools->specs()) specs.push_back(std::move(spec));
  }
  return specs;
}

// Where a tool call goes: a registry (the run's extra tools, else the agent's own) whose tool may
// wait, or a result known at once (a built-in tool, or an unknown name). The run's extra tools
// come first, then the built-ins, then the agent's own, as the prompt lists them.
Agent::ToolRoute Agent::route(const ToolCall& call, const RunContext& context) const {
  if (context.extra_tools && context.extra_tools->find(call.name)) {
    return {context.extra_tools, {}};
  }
  if (memory_ && call.name == "search_memory") {
    const std::string problem = validate_arguments(search_memory_spec().parameters, call.arguments);
    if (!problem.empty()) {
      return {nullptr, {"error: invalid arguments for 'search_memory': " + problem, true}};
    }
    std::string content;
    for (const SearchHit& hit :
         memory_->search(call.arguments["query"].get<std::string>(), config_.memory_k)) {
      if (!content.empty()) content += "\n";
      content += "[" + std::string(hit.id) + "] " + memory_->document(hit.index).text;
    }
    return {nullptr, {content.empty() ? "no documents found" : content, false}};
  }
  if (context.human && call.name == "ask_human") {
    const std::string problem = validate_arguments(ask_human_spec().parameters, call.arguments);
    if (!problem.empty()) {
      return {nullptr, {"error: invalid arguments for 'ask_human': " + problem, true}};
    }
    ScopedSpan span(context.trace, SpanKind::kHuman, "ask_human", context.parent_span);
    try {
      return {nullptr, {context.human(call.arguments["question"].get<std::string>()), false}};
    } catch (const std::exception& error) {
      return {nullptr, {std::string("error: the human callback failed: ") + error.what(), true}};
    }
  }
  for (const Tool* tool : own_tools_) {
    if (tool->spec.name == call.name) return {tools_, {}};
  }
  // The model may only call what it was offered; anything else is its mistake, not a crash.
  return {nullptr, {"error: unknown tool '" + call.name + "'", true}};
}

namespace {

// The parts of a step both loops share. A step books the model's reply and tells whether the
// model asked for tools.
bool absorb(ModelResponse& response, Usage& usage, std::vector<ChatMessage>& messages) {
  ++usage.model_calls;
  usage.prompt_tokens += response.usage.prompt_tokens;
  usage.completion_tokens += response.usage.completion_tokens;
  usage.model_time += response.model_time;
  response.message.role = Role::kAssistant;
  messages.push_back(std::move(response.message));
  return !messages.back().tool_calls.empty();
}

void append_tool_result(const ToolCall& call, ToolResult result, Usage& usage,
                        std::vector<ChatMessage>& messages) {
  ++usage.tool_calls;
  ChatMessage message;
  message.role = Role::kTool;
  message.content = std::move(result.content);
  message.name = call.name;
  message.tool_call_id = call.id;
  messages.push_back(std::move(message));
}

[[noreturn]] void out_of_steps(const AgentConfig& config) {
  throw Error("agent '" + config.name + "' made " + std::to_string(config.max_steps) +
              " model calls without a final answer (max_steps)");
}

}  // namespace

// The step loop as a coroutine: the model call and waiting tools are awaited, so a run holds no
// thread while it waits. The synchronous respond() below is the same loop, step for step.
Task<std::string> Agent::respond_async(Model& model, std::vector<ChatMessage>& conversation,
                                       Usage& usage, RunContext context) const {
  ModelRequest request;
  request.tools = tool_specs(context);
  const Lend lend(conversation, request.messages);

  for (std::size_t step = 0; step < config_.max_steps; ++step) {
    ScopedSpan step_span(context.trace, SpanKind::kAgentStep, config_.name, context.parent_span);
    ModelResponse response;
    {
      ScopedSpan model_span(context.trace, SpanKind::kModelCall, model.name(), step_span.id());
      response = co_await model.complete_async(request);
      model_span.set("prompt_tokens", response.usage.prompt_tokens);
      model_span.set("completion_tokens", response.usage.completion_tokens);
    }
    if (!absorb(response, usage, request.messages)) co_return request.messages.back().content;
    // Copy the calls: pushing tool results may reallocate the vector holding the reply.
    const std::vector<ToolCall> calls = request.messages.back().tool_calls;
    for (const ToolCall& call : calls) {
      ScopedSpan tool_span(context.trace, SpanKind::kToolCall, call.name, step_span.id());
      ToolRoute target = route(call, context);
      if (target.registry != nullptr) target.result = co_await target.registry->invoke_async(call);
      tool_span.set("error", target.result.is_error);
      append_tool_result(call, std::move(target.result), usage, request.messages);
    }
  }
  out_of_steps(config_);
}

// The synchronous twin of respond_async, kept for speed: GCC 12's coroutine frames cost ~2,000
// instructions per agent run, which a caller that blocks anyway (the sync API, the micro
// benchmarks' pipeline) need not pay. Same steps, same messages, same usage: a model's
// complete() and a tool's synchronous invoke() in place of the awaited calls.
std::string Agent::respond(Model& model, std::vector<ChatMessage>& conversation, Usage& usage,
                           const RunContext& context) const {
  ModelRequest request;
  request.tools = tool_specs(context);
  const Lend lend(conversation, request.messages);

  for (std::size_t step = 0; step < config_.max_steps; ++step) {
    ScopedSpan step_span(context.trace, SpanKind::kAgentStep, config_.name, context.parent_span);
    ModelResponse response;
    {
      ScopedSpan model_span(context.trace, SpanKind::kModelCall, model.name(), step_span.id());
      response = model.complete(request);
      model_span.set("prompt_tokens", response.usage.prompt_tokens);
      model_span.set("completion_tokens", response.usage.completion_tokens);
    }
    if (!absorb(response, usage, request.messages)) return request.messages.back().content;
    const std::vector<ToolCall> calls = request.messages.back().tool_calls;
    for (const ToolCall& call : calls) {
      ScopedSpan tool_span(context.trace, SpanKind::kToolCall, call.name, step_span.id());
      ToolRoute target = route(call, context);
      if (target.registry != nullptr) target.result = target.registry->invoke(call);
      tool_span.set("error", target.result.is_error);
      append_tool_result(call, std::move(target.result), usage, request.messages);
    }
  }
  out_of_steps(config_);
}

// Built in place: a temporary message per push showed up in the pipeline's profile.
AgentResult Agent::start_run(std::string task) const {
  AgentResult result;
  result.transcript.reserve(8);
  ChatMessage& system = result.transcript.emplace_back();
  system.role = Role::kSystem;
  system.content = system_prompt_;
  ChatMessage& user = result.transcript.emplace_back();
  user.role = Role::kUser;
  user.content = std::move(task);
  return result;
}

Task<AgentResult> Agent::run_async(Model& model, std::string task, RunContext context) const {
  AgentResult result = start_run(std::move(task));
  ScopedSpan run_span(context.trace, SpanKind::kRun, config_.name, context.parent_span);
  context.parent_span = run_span.id();
  result.answer =
      co_await respond_async(model, result.transcript, result.usage, std::move(context));
  result.steps = result.usage.model_calls;
  co_return std::move(result);
}

AgentResult Agent::run(Model& model, std::string task, const RunContext& context) const {
  AgentResult result = start_run(std::move(task));
  ScopedSpan run_span(context.trace, SpanKind::kRun, config_.name, context.parent_span);
  RunContext inner = context;
  inner.parent_span = run_span.id();
  result.answer = respond(model, result.transcript, result.usage, inner);
  result.steps = result.usage.model_calls;
  return result;
}

}  // namespace legion
