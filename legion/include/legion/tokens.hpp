#pragma once
// The deterministic token rule shared by every model back-end and framework
// (docs/simulated-model.md, "Tokens"): a text costs ceil(bytes / 4) tokens; a message adds 4 tokens
// of overhead; a tool call costs its name plus its serialized arguments. The simulated model bills
// by it, and an OpenAI-compatible reply without `usage` is counted by it.
#include <cstdint>
#include <string_view>

#include "legion/message.hpp"
#include "legion/model.hpp"

namespace legion {

std::uint64_t count_tokens(std::string_view text);
std::uint64_t count_prompt_tokens(const ModelRequest& request);
std::uint64_t count_completion_tokens(const ChatMessage& reply);

}  // namespace legion
