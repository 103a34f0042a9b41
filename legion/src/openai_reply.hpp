#pragma once
// The reading of an OpenAI-compatible chat-completion reply, apart from the transfer, so it
// is tested and fuzzed on its own (tests/fuzz/openai_reply). Internal to the runtime:
// OpenAIModel is the public way in.
#include <string>
#include <string_view>

#include "legion/model.hpp"

namespace legion::detail {

// The reply body -> the assistant message and its token usage (the server's figures when it
// reports both as non-negative integers, else the deterministic token rule on `request`).
// model_time is left at zero for the caller. Throws ModelError "WHERE: malformed reply ..."
// with an excerpt of the body; `secret` (the API key) never appears in the message.
ModelResponse parse_chat_completion(std::string_view body, const ModelRequest& request,
                                    std::string_view where, const std::string& secret);

// Server bodies and curl messages may echo what they were sent, so every text bound for an
// error passes through here: `text` with every occurrence of `secret` replaced by "[redacted]" (an
// empty secret: as is).
std::string redact(std::string text, const std::string& secret);

// The first 200 bytes of a redacted body, on one line, for an error message.
std::string excerpt(std::string_view body, const std::string& secret);

}  // namespace legion::detail
