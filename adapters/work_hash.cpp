#include "work_hash.hpp"

namespace legion::adapters {

void WorkHash::add_text(std::string_view text) {
  hash_ = fnv1a_field(text, hash_);
}

void WorkHash::add_message(const ChatMessage& message) {
  add_text(to_string(message.role));
  add_text(message.content);
  for (const ToolCall& call : message.tool_calls) {
    add_text(call.name);
    add_text(call.arguments.dump());
  }
}

void WorkHash::add(std::span<const ChatMessage> transcript) {
  for (const ChatMessage& message : transcript) {
    if (message.role == Role::kAssistant || message.role == Role::kTool) add_message(message);
  }
}

}  // namespace legion::adapters
