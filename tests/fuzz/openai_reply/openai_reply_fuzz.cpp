// The body of an OpenAI-compatible chat-completion reply, as OpenAIModel reads it after a
// 2xx (legion/src/openai_reply.hpp: the transfer is not part of it). Bad input must be a
// ModelError, and the API key must never appear in its message, whatever the server echoes.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "legion/error.hpp"
#include "openai_reply.hpp"

namespace {

// Short and made of characters a body easily holds, so the fuzzer can echo it.
const std::string kSecret = "sk-key";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const legion::ModelRequest request = [] {
    legion::ModelRequest r;
    r.messages.push_back({legion::Role::kUser, "What is 2 + 3?", "", {}, ""});
    r.tools.push_back({"add", "a + b", legion::Json::object()});
    return r;
  }();
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    const legion::ModelResponse response =
        legion::detail::parse_chat_completion(body, request, "model endpoint fuzz", kSecret);
    legion::fuzz::require(response.message.role == legion::Role::kAssistant,
                          "a reply is the assistant's");
  } catch (const legion::ModelError& error) {
    legion::fuzz::require(std::string_view(error.what()).find(kSecret) == std::string_view::npos,
                          "the API key never appears in an error");
  } catch (const std::exception& error) {
    legion::fuzz::unexpected(error);
  }
  return 0;
}
