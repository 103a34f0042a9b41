#include "direct_adapter.hpp"

#include "code_runner.hpp"
#include "legion/agent.hpp"
#include "legion/error.hpp"
#include "resources.hpp"
#include "tool_catalogue.hpp"
#include "work_hash.hpp"

namespace legion::adapters {
namespace {

class DirectAdapter final : public Adapter {
 public:
  std::string name() const override { return "direct"; }
  std::string version() const override { return LEGION_VERSION; }

  Support support(const Scenario& scenario) const override {
    if (scenario.execute_code) {
      if (Support code = code_execution_support(); !code.supported) return code;
    }
    switch (scenario.pattern) {
      case Pattern::kSingle:
      case Pattern::kIterative:
      case Pattern::kHuman:
        if (scenario.agents.size() == 1) return {};
        break;
      case Pattern::kPipeline:  // a sequence of plain loops, each answer fed to the next
        return {};
      case Pattern::kConcurrent:
        return {false, "concurrent runs need a scheduler; the direct floor is one sequential loop"};
      default:
        break;
    }
    return {false, std::string("multi-agent pattern '") + to_string(scenario.pattern) +
                       "': coordinating agents is the framework work measured, no framework-free "
                       "floor"};
  }

  void prepare(const Scenario& scenario, const RunConfig& config) override {
    teardown();
    const ScenarioInput input = instantiate(scenario, config.parameters, config.seed);
    res_.build(scenario, input, config);
    if (res_.memory) res_.tools.add(search_memory_tool(*res_.memory));
    for (const AgentSpec& agent : input.agents) {
      std::string system = "You are " + agent.name + ".";
      if (!agent.instructions.empty()) system += "\n" + agent.instructions;
      systems_.push_back(std::move(system));
      specs_.push_back(res_.tools.specs(agent.tools));
      for (const std::string& tool : agent.tools) functions_.push_back(res_.tools.find(tool));
    }
    if (input.pattern == Pattern::kHuman) specs_.front().push_back(ask_human_spec());
    if (input.execute_code) code_ = std::make_unique<CodeRunner>();
  }

  Outcome run(const ScenarioInput& in) override {
    Outcome out;
    WorkHash hash;
    human_next_ = 0;
    std::string answer;
    if (in.pattern == Pattern::kPipeline) {
      answer = in.pipeline_input;
      for (std::size_t i = 0; i < in.tasks.size(); ++i) {
        begin_conversation(i, replace_input(in.tasks[i], answer));
        answer = converse(in, out);
        hash.add(request_.messages);
      }
    } else {
      begin_conversation(0, in.tasks[0]);
      answer = converse(in, out);
      if (in.execute_code) {
        request_.messages.push_back({Role::kUser, code_->feedback_for(answer), {}, {}, {}});
        answer = converse(in, out);
      }
      for (std::size_t i = 1; in.pattern == Pattern::kIterative && answer != in.expected; ++i) {
        if (i >= in.max_iterations) throw Error("direct: the checker did not pass");
        request_.messages.push_back({Role::kUser, in.checker_feedback, {}, {}, {}});
        answer = converse(in, out);
      }
      hash.add(request_.messages);
    }
    out.answer = std::move(answer);
    out.output_hash = hash.value();
    return out;
  }

  void teardown() override {
    code_.reset();
    functions_.clear();
    specs_.clear();
    systems_.clear();
    res_.reset();
  }

 private:
  // A fresh conversation for `agent` (not Adapter::start, which brings the framework up).
  void begin_conversation(std::size_t agent, const std::string& task) {
    request_.messages = {{Role::kSystem, systems_[agent], {}, {}, {}},
                         {Role::kUser, task, {}, {}, {}}};
    request_.tools = specs_[agent];
  }

  static std::string replace_input(std::string task, const std::string& input) {
    static const std::string kInput = "{{input}}";
    for (auto at = task.find(kInput); at != std::string::npos; at = task.find(kInput, at)) {
      task.replace(at, kInput.size(), input);
      at += input.size();
    }
    return task;
  }

  // Model, tools, model, ... until a text reply.
  std::string converse(const ScenarioInput& in, Outcome& out) {
    for (;;) {
      ModelResponse response = res_.active().complete(request_);
      ++out.model_calls;
      out.prompt_tokens += response.usage.prompt_tokens;
      out.completion_tokens += response.usage.completion_tokens;
      out.model_time += response.model_time;
      response.message.role = Role::kAssistant;
      request_.messages.push_back(std::move(response.message));
      if (request_.messages.back().tool_calls.empty()) return request_.messages.back().content;
      const std::vector<ToolCall> calls = request_.messages.back().tool_calls;
      for (const ToolCall& call : calls) {
        ++out.tool_calls;
        request_.messages.push_back({Role::kTool, call_tool(call, in), call.name, {}, call.id});
      }
    }
  }

  std::string call_tool(const ToolCall& call, const ScenarioInput& in) {
    if (call.name == "ask_human" && !in.human_replies.empty()) {
      return in.human_replies[human_next_++ % in.human_replies.size()];
    }
    for (const Tool* tool : functions_) {
      if (tool->spec.name != call.name) continue;
      const Json result = tool->function(call.arguments);
      return result.is_string() ? result.get<std::string>() : result.dump();
    }
    return "error: unknown tool '" + call.name + "'";
  }

  ScenarioResources res_;
  std::vector<std::string> systems_;          // per agent
  std::vector<std::vector<ToolSpec>> specs_;  // per agent
  std::vector<const Tool*> functions_;
  std::unique_ptr<CodeRunner> code_;
  ModelRequest request_;  // reused: the floor keeps no allocation it can avoid
  std::size_t human_next_ = 0;
};

}  // namespace

std::unique_ptr<Adapter> make_direct_adapter() {
  return std::make_unique<DirectAdapter>();
}

}  // namespace legion::adapters
