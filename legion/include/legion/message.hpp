#pragma once
// The conversation types shared by every model back-end, agent and pattern.
// They mirror the OpenAI chat format so an HTTP model needs no translation layer.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "legion/hash.hpp"

namespace legion {

using Json = nlohmann::json;

enum class Role { kSystem, kUser, kAssistant, kTool };

const char* to_string(Role role);
Role role_from_string(const std::string& text);  // throws ConfigError on an unknown role

struct ToolCall {
  std::string id;    // unique within one assistant message ("call_<step>_<n>")
  std::string name;  // tool name
  Json arguments;    // a JSON object
  bool operator==(const ToolCall&) const = default;
};

struct ChatMessage {
  Role role = Role::kUser;
  std::string content;
  std::string name;                  // speaker name in group chats; empty otherwise
  std::vector<ToolCall> tool_calls;  // assistant messages only
  std::string tool_call_id;          // tool messages only: which call this answers
  bool operator==(const ChatMessage&) const = default;
};

// The JSON view used in traces, transcripts and the HTTP model (OpenAI chat format).
Json to_json(const ChatMessage& message);
ChatMessage message_from_json(const Json& json);

// A stable 64-bit FNV-1a over a transcript: identical conversations hash identically on
// every platform and run, so "same work" can be checked across frameworks and reruns.
// Fields are kept apart by separator bytes (0x1f between fields, 0x1e after each message).
std::uint64_t hash_transcript(const std::vector<ChatMessage>& messages);

}  // namespace legion
