#include "legion/message.hpp"

#include <cstdio>

#include "legion/error.hpp"
#include "legion/json_input.hpp"

namespace legion {

const char* to_string(Role role) {
  switch (role) {
    case Role::kSystem:
      return "system";
    case Role::kUser:
      return "user";
    case Role::kAssistant:
      return "assistant";
    case Role::kTool:
      return "tool";
  }
  return "user";
}

Role role_from_string(const std::string& text) {
  if (text == "system") return Role::kSystem;
  if (text == "user") return Role::kUser;
  if (text == "assistant") return Role::kAssistant;
  if (text == "tool") return Role::kTool;
  throw ConfigError("unknown message role '" + text + "'");
}

Json to_json(const ChatMessage& message) {
  Json out = {{"role", to_string(message.role)}, {"content", message.content}};
  if (!message.name.empty()) out["name"] = message.name;
  if (!message.tool_call_id.empty()) out["tool_call_id"] = message.tool_call_id;
  if (!message.tool_calls.empty()) {
    Json calls = Json::array();
    for (const ToolCall& call : message.tool_calls) {
      // OpenAI sends arguments as a JSON string, not an object.
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", call.arguments.dump()}}}});
    }
    out["tool_calls"] = std::move(calls);
  }
  return out;
}

ChatMessage message_from_json(const Json& json) {
  if (!json.is_object()) throw ConfigError("a message must be a JSON object");
  ChatMessage message;
  message.role = role_from_string(json.value("role", std::string("user")));
  if (json.contains("content") && json["content"].is_string()) message.content = json["content"];
  message.name = json.value("name", std::string());
  message.tool_call_id = json.value("tool_call_id", std::string());
  if (json.contains("tool_calls") && json["tool_calls"].is_array()) {
    for (const Json& call : json["tool_calls"]) {
      ToolCall tool_call;
      tool_call.id = call.value("id", std::string());
      const Json& function = call.contains("function") ? call["function"] : call;
      tool_call.name = function.value("name", std::string());
      const Json arguments =
          function.contains("arguments") ? function["arguments"] : Json::object();
      if (arguments.is_string()) {
        ParsedJson parsed = parse_json(arguments.get_ref<const std::string&>());
        if (!parsed.ok()) {
          throw ConfigError("tool call '" + tool_call.name + "' has arguments that are " +
                            (parsed.too_deep ? parsed.error : "not JSON"));
        }
        tool_call.arguments = std::move(parsed.value);
      } else {
        tool_call.arguments = arguments;
      }
      message.tool_calls.push_back(std::move(tool_call));
    }
  }
  return message;
}

std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed) {
  std::uint64_t hash = seed;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 1099511628211ull;
  }
  return hash;
}

std::uint64_t hash_transcript(const std::vector<ChatMessage>& messages) {
  // Field separators keep ("ab","c") and ("a","bc") apart.
  constexpr std::string_view kSep("\x1f", 1);
  std::uint64_t hash = fnv1a("legion-transcript-v1");
  for (const ChatMessage& message : messages) {
    hash = fnv1a(to_string(message.role), hash);
    hash = fnv1a(kSep, hash);
    hash = fnv1a(message.content, hash);
    hash = fnv1a(kSep, hash);
    hash = fnv1a(message.name, hash);
    hash = fnv1a(kSep, hash);
    hash = fnv1a(message.tool_call_id, hash);
    for (const ToolCall& call : message.tool_calls) {
      hash = fnv1a(kSep, hash);
      hash = fnv1a(call.name, hash);
      hash = fnv1a(kSep, hash);
      hash = fnv1a(call.arguments.dump(), hash);
    }
    hash = fnv1a("\x1e", hash);
  }
  return hash;
}

std::string hex64(std::uint64_t value) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(value));
  return buffer;
}

}  // namespace legion
