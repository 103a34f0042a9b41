#include "simserver/wire.hpp"

namespace legion::simserver {
namespace {

const char* const kFingerprint = "legion-simserver";

Json nullable(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

// A refusal naming the field: messages[2].tool_calls[0].function.arguments.
ParseResult refuse(std::string message, std::string param) {
  ParseResult out;
  out.error.message = std::move(message);
  out.error.param = std::move(param);
  return out;
}

// Text of a message's content: a string, null, or an array of {"type": "text", "text"} parts
// (joined, as OpenAI reads them). Anything else sets `problem`.
std::string content_text(const Json& content, std::string& problem) {
  if (content.is_null()) return {};
  if (content.is_string()) return content.get<std::string>();
  if (!content.is_array()) {
    problem = "must be a string, null or an array of content parts";
    return {};
  }
  std::string text;
  for (const Json& part : content) {
    if (!part.is_object() || part.value("type", Json()) != "text" ||
        !part.value("text", Json()).is_string()) {
      problem = "only text content parts ({\"type\": \"text\", \"text\": ...}) are supported";
      return {};
    }
    text += part["text"].get<std::string>();
  }
  return text;
}

bool optional_string(const Json& object, const char* key, std::string& out) {
  if (!object.contains(key) || object[key].is_null()) return true;
  if (!object[key].is_string()) return false;
  out = object[key].get<std::string>();
  return true;
}

// One element of `messages`; returns the refusal's message and sets `param`, or "".
std::string parse_message(const Json& json, const std::string& at, ChatMessage& message,
                          std::string& param) {
  param = at;
  if (!json.is_object()) return at + " must be an object";
  if (!json.contains("role") || !json["role"].is_string()) {
    param = at + ".role";
    return at + ".role is required and must be a string";
  }
  const std::string role = json["role"].get<std::string>();
  if (role == "system" || role == "developer") {
    message.role = Role::kSystem;
  } else if (role == "user") {
    message.role = Role::kUser;
  } else if (role == "assistant") {
    message.role = Role::kAssistant;
  } else if (role == "tool") {
    message.role = Role::kTool;
  } else {
    param = at + ".role";
    return at + ".role '" + role + "' is not supported (system, developer, user, assistant, tool)";
  }
  std::string problem;
  if (json.contains("content")) message.content = content_text(json["content"], problem);
  if (!problem.empty()) {
    param = at + ".content";
    return at + ".content " + problem;
  }
  if (!optional_string(json, "name", message.name)) {
    param = at + ".name";
    return at + ".name must be a string";
  }
  if (message.role == Role::kTool) {
    if (!json.contains("tool_call_id") || !json["tool_call_id"].is_string()) {
      param = at + ".tool_call_id";
      return at + ".tool_call_id is required for a tool message";
    }
    message.tool_call_id = json["tool_call_id"].get<std::string>();
  }
  if (message.role != Role::kAssistant || !json.contains("tool_calls") ||
      json["tool_calls"].is_null()) {
    return {};
  }
  const Json& calls = json["tool_calls"];
  if (!calls.is_array()) {
    param = at + ".tool_calls";
    return at + ".tool_calls must be an array";
  }
  for (std::size_t k = 0; k < calls.size(); ++k) {
    const std::string call_at = at + ".tool_calls[" + std::to_string(k) + "]";
    param = call_at;
    const Json& call = calls[k];
    if (!call.is_object() || !call.value("id", Json()).is_string() || !call.contains("function") ||
        !call["function"].is_object() || !call["function"].value("name", Json()).is_string()) {
      return call_at + " needs an id and a function with a name";
    }
    ToolCall tool_call;
    tool_call.id = call["id"].get<std::string>();
    tool_call.name = call["function"]["name"].get<std::string>();
    const Json arguments = call["function"].value("arguments", Json(""));
    param = call_at + ".function.arguments";
    if (!arguments.is_string()) return param + " must be a string of JSON";
    const std::string& text = arguments.get_ref<const std::string&>();
    tool_call.arguments = text.empty() ? Json::object() : Json::parse(text, nullptr, false);
    if (!tool_call.arguments.is_object()) return param + " is not a JSON object";
    message.tool_calls.push_back(std::move(tool_call));
  }
  param.clear();
  return {};
}

std::string parse_tool(const Json& json, const std::string& at, ToolSpec& tool,
                       std::string& param) {
  param = at;
  if (!json.is_object() || json.value("type", Json()) != "function" || !json.contains("function") ||
      !json["function"].is_object() || !json["function"].value("name", Json()).is_string()) {
    return at + " must be {\"type\": \"function\", \"function\": {\"name\": ...}}";
  }
  const Json& function = json["function"];
  tool.name = function["name"].get<std::string>();
  if (!optional_string(function, "description", tool.description)) {
    param = at + ".function.description";
    return param + " must be a string";
  }
  if (function.contains("parameters") && !function["parameters"].is_null()) {
    if (!function["parameters"].is_object()) {
      param = at + ".function.parameters";
      return param + " must be a JSON schema object";
    }
    tool.parameters = function["parameters"];
  }
  return {};
}

// What every chunk of one stream carries besides its choices.
Json chunk_envelope(const ReplyIds& ids) {
  return {{"id", ids.id},
          {"object", "chat.completion.chunk"},
          {"created", ids.created},
          {"model", ids.model},
          {"system_fingerprint", kFingerprint}};
}

Json chunk_frame(const ReplyIds& ids, Json delta, const Json& finish_reason, bool with_usage) {
  Json chunk = chunk_envelope(ids);
  chunk["choices"] = Json::array({{{"index", 0},
                                   {"delta", std::move(delta)},
                                   {"logprobs", nullptr},
                                   {"finish_reason", finish_reason}}});
  if (with_usage) chunk["usage"] = nullptr;
  return chunk;
}

Json usage_json(const TokenUsage& usage) {
  return {{"prompt_tokens", usage.prompt_tokens},
          {"completion_tokens", usage.completion_tokens},
          {"total_tokens", usage.prompt_tokens + usage.completion_tokens}};
}

const char* finish_reason(const ModelResponse& response) {
  return response.has_tool_calls() ? "tool_calls" : "stop";
}

std::string dump(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// Splits text after each space, the way a model streams words; never inside a UTF-8
// sequence, since spaces are ASCII.
std::vector<std::string> words(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') {
      out.push_back(text.substr(start, i + 1 - start));
      start = i + 1;
    }
  }
  if (start < text.size()) out.push_back(text.substr(start));
  return out;
}

}  // namespace

std::string error_body(const WireError& error) {
  return dump({{"error",
                {{"message", error.message},
                 {"type", error.type},
                 {"param", nullable(error.param)},
                 {"code", nullable(error.code)}}}});
}

ParseResult parse_chat_request(const std::string& body) {
  const Json json = Json::parse(body, nullptr, false);
  if (json.is_discarded()) {
    return refuse("the request body is not valid JSON", "");
  }
  if (!json.is_object()) return refuse("the request body must be a JSON object", "");
  if (!json.contains("model") || !json["model"].is_string() ||
      json["model"].get_ref<const std::string&>().empty()) {
    return refuse("'model' is required and must be a non-empty string", "model");
  }
  if (!json.contains("messages") || !json["messages"].is_array() || json["messages"].empty()) {
    return refuse("'messages' is required and must be a non-empty array", "messages");
  }
  ChatRequest out;
  out.model = json["model"].get<std::string>();
  std::string param;
  const Json& messages = json["messages"];
  out.request.messages.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    ChatMessage message;
    const std::string problem =
        parse_message(messages[i], "messages[" + std::to_string(i) + "]", message, param);
    if (!problem.empty()) return refuse(problem, param);
    out.request.messages.push_back(std::move(message));
  }
  if (json.contains("tools") && !json["tools"].is_null()) {
    if (!json["tools"].is_array()) return refuse("'tools' must be an array", "tools");
    for (std::size_t i = 0; i < json["tools"].size(); ++i) {
      ToolSpec tool;
      const std::string problem =
          parse_tool(json["tools"][i], "tools[" + std::to_string(i) + "]", tool, param);
      if (!problem.empty()) return refuse(problem, param);
      out.request.tools.push_back(std::move(tool));
    }
  }
  if (json.contains("n") && !json["n"].is_null() && json["n"] != 1) {
    return refuse("only n = 1 is supported", "n");
  }
  if (json.contains("stream") && !json["stream"].is_null()) {
    if (!json["stream"].is_boolean()) return refuse("'stream' must be a boolean", "stream");
    out.stream = json["stream"].get<bool>();
  }
  if (json.contains("stream_options") && json["stream_options"].is_object()) {
    out.include_usage = json["stream_options"].value("include_usage", false);
  }
  ParseResult result;
  result.request = std::move(out);
  return result;
}

std::string completion_body(const ModelResponse& response, const ReplyIds& ids) {
  Json message = {{"role", "assistant"}, {"refusal", nullptr}};
  // OpenAI sends null content beside tool calls; clients read it as empty text.
  message["content"] = response.has_tool_calls() && response.message.content.empty()
                           ? Json(nullptr)
                           : Json(response.message.content);
  if (response.has_tool_calls()) {
    Json calls = Json::array();
    for (const ToolCall& call : response.message.tool_calls) {
      calls.push_back({{"id", call.id},
                       {"type", "function"},
                       {"function", {{"name", call.name}, {"arguments", dump(call.arguments)}}}});
    }
    message["tool_calls"] = std::move(calls);
  }
  return dump({{"id", ids.id},
               {"object", "chat.completion"},
               {"created", ids.created},
               {"model", ids.model},
               {"system_fingerprint", kFingerprint},
               {"choices",
                {{{"index", 0},
                  {"message", std::move(message)},
                  {"logprobs", nullptr},
                  {"finish_reason", finish_reason(response)}}}},
               {"usage", usage_json(response.usage)}});
}

std::vector<std::string> stream_chunks(const ModelResponse& response, const ReplyIds& ids,
                                       bool include_usage) {
  std::vector<std::string> out;
  const bool calls = response.has_tool_calls();
  const std::string& text = response.message.content;
  Json first = {{"role", "assistant"}};
  first["content"] = calls && text.empty() ? Json(nullptr) : Json("");
  out.push_back(dump(chunk_frame(ids, std::move(first), nullptr, include_usage)));
  for (const std::string& piece : words(text)) {
    out.push_back(dump(chunk_frame(ids, {{"content", piece}}, nullptr, include_usage)));
  }
  for (std::size_t i = 0; i < response.message.tool_calls.size(); ++i) {
    const ToolCall& call = response.message.tool_calls[i];
    Json opened = {{"tool_calls",
                    {{{"index", i},
                      {"id", call.id},
                      {"type", "function"},
                      {"function", {{"name", call.name}, {"arguments", ""}}}}}}};
    out.push_back(dump(chunk_frame(ids, std::move(opened), nullptr, include_usage)));
    Json arguments = {
        {"tool_calls", {{{"index", i}, {"function", {{"arguments", dump(call.arguments)}}}}}}};
    out.push_back(dump(chunk_frame(ids, std::move(arguments), nullptr, include_usage)));
  }
  out.push_back(dump(chunk_frame(ids, Json::object(), finish_reason(response), include_usage)));
  if (include_usage) {
    Json usage = chunk_envelope(ids);
    usage["choices"] = Json::array();
    usage["usage"] = usage_json(response.usage);
    out.push_back(dump(usage));
  }
  return out;
}

std::string model_body(const std::string& served_model) {
  return dump(
      {{"id", served_model}, {"object", "model"}, {"created", 0}, {"owned_by", "legion-bench"}});
}

std::string models_body(const std::string& served_model) {
  return dump({{"object", "list"}, {"data", {Json::parse(model_body(served_model))}}});
}

}  // namespace legion::simserver
