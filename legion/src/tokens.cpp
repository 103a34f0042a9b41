// The deterministic token rule (docs/simulated-model.md, "Tokens"), shared by every back-end.
#include "legion/tokens.hpp"

#include "json_util.hpp"

namespace legion {
namespace {

constexpr std::uint64_t kMessageOverhead = 4;

std::uint64_t tokens_for_bytes(std::size_t bytes) {
  return (bytes + 3) / 4;
}

std::uint64_t tool_call_tokens(const std::vector<ToolCall>& calls) {
  std::uint64_t tokens = 0;
  for (const ToolCall& call : calls) {
    tokens += count_tokens(call.name) + tokens_for_bytes(detail::dumped_size(call.arguments));
  }
  return tokens;
}

}  // namespace

std::uint64_t count_tokens(std::string_view text) {
  return tokens_for_bytes(text.size());
}

std::uint64_t count_prompt_tokens(const ModelRequest& request) {
  std::uint64_t tokens = 0;
  for (const ChatMessage& message : request.messages) {
    tokens +=
        kMessageOverhead + count_tokens(message.content) + tool_call_tokens(message.tool_calls);
  }
  for (const ToolSpec& tool : request.tools) {
    // One text "name + description + parameters", so one rounding, as the rule says.
    tokens += tokens_for_bytes(tool.name.size() + tool.description.size() +
                               detail::dumped_size(tool.parameters));
  }
  return tokens;
}

std::uint64_t count_completion_tokens(const ChatMessage& reply) {
  return count_tokens(reply.content) + tool_call_tokens(reply.tool_calls);
}

}  // namespace legion
