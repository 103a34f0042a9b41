#pragma once
// OpenAI's Chat Completions wire format, both ways, for legion-simserver: a request body in
// (JSON text -> the runtime's ModelRequest plus the options the server honours), a reply out
// (a `chat.completion` object, or `chat.completion.chunk` events for `stream: true`), and
// errors in OpenAI's shape {"error": {"message", "type", "param", "code"}}. Shapes follow
// the `openai` Python package's types (openai/types/chat/chat_completion*.py).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "legion/model.hpp"

namespace legion::simserver {

// A request the server refuses, with what OpenAI's error object says about it.
struct WireError {
  int status = 400;
  std::string message;
  std::string type = "invalid_request_error";
  std::string param;  // the offending field, empty for none (JSON null)
  std::string code;   // empty for none (JSON null)
};

// The error body, e.g.
// {"error":{"message":"...","type":"invalid_request_error","param":null,"code":null}}.
std::string error_body(const WireError& error);

struct ChatRequest {
  std::string model;
  ModelRequest request;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};

// Parses and checks a /v1/chat/completions body: `model` a non-empty string, `messages` a
// non-empty array of messages with a known role (developer counts as system), content a
// string, null or an array of text parts, tool calls with JSON-object arguments, `tools` of
// type function. Fields the simulated model has no use for (temperature, max_tokens, ...) are
// accepted and ignored. Returns the WireError instead when the body is not acceptable.
struct ParseResult {
  std::optional<ChatRequest> request;
  WireError error;
};
ParseResult parse_chat_request(const std::string& body);

// What identifies one reply on the wire.
struct ReplyIds {
  std::string id;            // "chatcmpl-..."
  std::int64_t created = 0;  // Unix seconds
  std::string model;         // echoed from the request
};

// The whole reply as a `chat.completion` object (JSON text).
std::string completion_body(const ModelResponse& response, const ReplyIds& ids);

// The reply as the `data:` payloads of a stream, in order: a first chunk with the role, the
// content in pieces, each tool call (id and name, then its arguments), a last chunk with the
// finish reason, and a usage chunk (empty choices) when include_usage. The caller frames each
// as "data: ...\n\n" and ends with "data: [DONE]\n\n".
std::vector<std::string> stream_chunks(const ModelResponse& response, const ReplyIds& ids,
                                       bool include_usage);

// GET /v1/models and GET /v1/models/{id}.
std::string models_body(const std::string& served_model);
std::string model_body(const std::string& served_model);

}  // namespace legion::simserver
