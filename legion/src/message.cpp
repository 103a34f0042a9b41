#include "legion/message.hpp"

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

namespace {

// json.value(field, "") throws nlohmann's type_error for a field of another type; a message
// from a server or a file must fail as a ConfigError naming the field instead.
std::string string_field(const Json& object, const char* field, const char* what) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return {};
  if (!it->is_string()) throw ConfigError(std::string(what) + " '" + field + "' must be a string");
  return it->get<std::string>();
}

// Arguments come from scripts, servers and tools, not always valid UTF-8; a strict dump()
// would throw out of every transcript hash. For valid UTF-8 the bytes are dump()'s.
std::string dump_arguments(const Json& arguments) {
  return arguments.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

Json to_json(const ChatMessage& message) {
  Json out = {{"role", to_string(message.role)}, {"content", message.content}};
  if (!message.name.empty()) out["name"] = message.name;
  if (!message.tool_call_id.empty()) out["tool_call_id"] = message.tool_call_id;
  if (!message.tool_calls.empty()) {
    Json calls = Json::array();
    for (const ToolCall& call : message.tool_calls) {
      // OpenAI sends arguments as a JSON string, not an object.
      calls.push_back(
          {{"id", call.id},
           {"type", "function"},
           {"function", {{"name", call.name}, {"arguments", dump_arguments(call.arguments)}}}});
    }
    out["tool_calls"] = std::move(calls);
  }
  return out;
}

ChatMessage message_from_json(const Json& json) {
  if (!json.is_object()) throw ConfigError("a message must be a JSON object");
  ChatMessage message;
  const std::string role = string_field(json, "role", "message");
  message.role = role.empty() ? Role::kUser : role_from_string(role);
  if (json.contains("content") && json["content"].is_string()) message.content = json["content"];
  message.name = string_field(json, "name", "message");
  message.tool_call_id = string_field(json, "tool_call_id", "message");
  if (json.contains("tool_calls") && json["tool_calls"].is_array()) {
    for (const Json& call : json["tool_calls"]) {
      if (!call.is_object()) throw ConfigError("a tool call must be a JSON object");
      ToolCall tool_call;
      tool_call.id = string_field(call, "id", "tool call");
      const Json& function = call.contains("function") ? call["function"] : call;
      if (!function.is_object()) throw ConfigError("a tool call's 'function' must be an object");
      tool_call.name = string_field(function, "name", "tool call");
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
      if (tool_call.arguments.is_null()) tool_call.arguments = Json::object();  // "null": none
      if (!tool_call.arguments.is_object()) {
        throw ConfigError("tool call '" + tool_call.name +
                          "' has arguments that are not an object");
      }
      message.tool_calls.push_back(std::move(tool_call));
    }
  }
  return message;
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
      hash = fnv1a(dump_arguments(call.arguments), hash);
    }
    hash = fnv1a("\x1e", hash);
  }
  return hash;
}

}  // namespace legion
