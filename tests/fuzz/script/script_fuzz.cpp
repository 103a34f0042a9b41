// The simulated model's script grammar and reply path (docs/simulated-model.md) through the
// model's public entry point: a conversation goes to SimulatedModel::complete_deferred turn
// after turn, each tool call answered, until the script runs out or fails. Bad input must be
// a legion::Error (ScriptError); the reply must be a pure function of the conversation.
//
// Input: a conversation, one message per section. A line "@@ system", "@@ user",
// "@@ assistant" or "@@ tool" starts a message of that role; text before the first such line
// is a user message. A "@@ tools" section holds the offered tools as a JSON array of
// {"name", "description", "parameters"}; without one the request offers a tool named
// "delegate". Any other line is content.
#include <algorithm>
#include <cstdint>
#include <string_view>

#include "fuzz_support.hpp"
#include "legion/error.hpp"
#include "legion/simulated_model.hpp"

namespace {

using legion::ChatMessage;
using legion::Json;
using legion::Role;

constexpr std::size_t kMaxTurns = 16;

legion::ToolSpec delegate_tool() {
  return {"delegate", "hand a task to a worker",
          Json::parse(R"({"type": "object", "required": ["worker", "task"],
                          "properties": {"worker": {"type": "string"},
                                         "task": {"type": "string"}}})")};
}

void add_tools(std::string_view text, legion::ModelRequest& request) {
  const Json tools = Json::parse(text, nullptr, false);
  if (!tools.is_array()) return;
  for (const Json& tool : tools) {
    if (!tool.is_object() || !tool.contains("name") || !tool["name"].is_string()) continue;
    legion::ToolSpec spec{tool["name"].get<std::string>(), "", Json::object()};
    if (tool.contains("description") && tool["description"].is_string()) {
      spec.description = tool["description"].get<std::string>();
    }
    if (tool.contains("parameters")) spec.parameters = tool["parameters"];
    request.tools.push_back(std::move(spec));
  }
}

legion::ModelRequest conversation(std::string_view input) {
  legion::ModelRequest request;
  bool tools_given = false;
  std::string_view section = "user";
  std::size_t begin = 0;
  auto close = [&](std::size_t end) {
    const std::string_view body = input.substr(begin, std::max(begin, end) - begin);
    if (section == "tools") {
      tools_given = true;
      add_tools(body, request);
    } else if (!(section == "user" && begin == 0 && body.empty())) {
      ChatMessage message;
      message.role = legion::role_from_string(std::string(section));
      message.content = std::string(body);
      if (message.role == Role::kTool) message.tool_call_id = "call_0_0";
      request.messages.push_back(std::move(message));
    }
  };
  for (std::size_t at = 0; at < input.size();) {
    std::size_t end = input.find('\n', at);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view line = input.substr(at, end - at);
    constexpr std::string_view kHeader = "@@ ";
    if (line.starts_with(kHeader)) {
      const std::string_view role = line.substr(kHeader.size());
      if (role == "system" || role == "user" || role == "assistant" || role == "tool" ||
          role == "tools") {
        close(at == 0 ? 0 : at - 1);  // the newline before a header ends the message
        section = role;
        begin = end == input.size() ? end : end + 1;
      }
    }
    at = end + 1;
  }
  close(input.size());
  if (!tools_given) request.tools.push_back(delegate_tool());
  return request;
}

std::string canonical(const legion::ModelResponse& response) {
  return legion::to_json(response.message).dump(-1, ' ', false, Json::error_handler_t::replace) +
         "|" + std::to_string(response.usage.prompt_tokens) + "|" +
         std::to_string(response.usage.completion_tokens);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static legion::SimulatedModel model(
      {42, legion::LatencyModel::parse("lognormal:20ms,0.5")});  // draws hash the request
  legion::ModelRequest request =
      conversation(std::string_view(reinterpret_cast<const char*>(data), size));
  legion::fuzz::expect_only<legion::Error>([&] {
    for (std::size_t turn = 0; turn < kMaxTurns; ++turn) {
      const legion::SimulatedModel::Deferred first = model.complete_deferred(request);
      const legion::SimulatedModel::Deferred again = model.complete_deferred(request);
      legion::fuzz::require(
          canonical(first.response) == canonical(again.response) && first.wait == again.wait,
          "the reply is a pure function of the conversation");
      legion::fuzz::require(first.wait.count() >= 0, "a latency is not negative");
      request.messages.push_back(first.response.message);
      for (const legion::ToolCall& call : first.response.message.tool_calls) {
        ChatMessage result;
        result.role = Role::kTool;
        result.tool_call_id = call.id;
        result.content = call.arguments.dump(-1, ' ', false, Json::error_handler_t::replace);
        request.messages.push_back(std::move(result));
      }
    }
  });
  return 0;
}
