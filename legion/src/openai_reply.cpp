#include "openai_reply.hpp"

#include <algorithm>

#include "legion/error.hpp"
#include "legion/json_input.hpp"
#include "legion/tokens.hpp"

namespace legion::detail {
namespace {

constexpr std::size_t kExcerptBytes = 200;

}  // namespace

std::string redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 10)) {
    text.replace(at, secret.size(), "[redacted]");
  }
  return text;
}

std::string excerpt(std::string_view body, const std::string& secret) {
  std::string out = redact(std::string(body), secret);
  if (out.size() > kExcerptBytes) {
    out.resize(kExcerptBytes);
    out += "...";
  }
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

ModelResponse parse_chat_completion(std::string_view body, const ModelRequest& request,
                                    std::string_view where, const std::string& secret) {
  // A hostile or broken server's reply gets the same nesting limit as any input.
  ParsedJson parsed = parse_json(body);
  const Json reply = parsed.ok() ? std::move(parsed.value) : Json();
  const Json* message = nullptr;
  if (reply.is_object() && reply.contains("choices") && reply["choices"].is_array() &&
      !reply["choices"].empty() && reply["choices"][0].is_object() &&
      reply["choices"][0].contains("message") && reply["choices"][0]["message"].is_object()) {
    message = &reply["choices"][0]["message"];
  }
  if (message == nullptr) {
    throw ModelError(std::string(where) +
                     ": malformed reply (no choices[0].message): " + excerpt(body, secret));
  }

  ModelResponse response;
  try {
    response.message = message_from_json(*message);
  } catch (const Error& error) {
    throw ModelError(std::string(where) + ": malformed reply: " + redact(error.what(), secret));
  }
  response.message.role = Role::kAssistant;
  const Json* usage =
      reply.contains("usage") && reply["usage"].is_object() ? &reply["usage"] : nullptr;
  if (usage != nullptr && (*usage).value("prompt_tokens", Json()).is_number_unsigned() &&
      (*usage).value("completion_tokens", Json()).is_number_unsigned()) {
    response.usage.prompt_tokens = (*usage)["prompt_tokens"].get<std::uint64_t>();
    response.usage.completion_tokens = (*usage)["completion_tokens"].get<std::uint64_t>();
  } else {
    // Servers that do not count get the same rule as the simulated model, so totals stay
    // comparable.
    response.usage.prompt_tokens = count_prompt_tokens(request);
    response.usage.completion_tokens = count_completion_tokens(response.message);
  }
  return response;
}

}  // namespace legion::detail
