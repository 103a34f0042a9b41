#pragma once
// The model interface: a request (messages with roles, tool specs) in, a response (text or
// tool calls, token usage, time spent in the model) out. Back-ends: SimulatedModel
// (simulated_model.hpp) and OpenAIModel (openai_model.hpp).
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "legion/message.hpp"
#include "legion/task.hpp"

namespace legion {

struct ToolSpec {
  std::string name;
  std::string description;
  Json parameters = Json::object();  // JSON schema of the arguments object
};

struct ModelRequest {
  std::vector<ChatMessage> messages;
  std::vector<ToolSpec> tools;
};

struct TokenUsage {
  std::uint64_t prompt_tokens = 0;
  std::uint64_t completion_tokens = 0;
};

struct ModelResponse {
  ChatMessage message;  // role kAssistant: text content and/or tool calls
  TokenUsage usage;
  // Wall time spent inside the model back-end for this call (simulated latency plus the
  // back-end's own work), so framework residual = wall time - model time.
  std::chrono::nanoseconds model_time{0};
  bool has_tool_calls() const { return !message.tool_calls.empty(); }
};

class Model {
 public:
  virtual ~Model() = default;
  // Thread-safe: many agents may call one model concurrently. Blocks the calling thread for the
  // whole call, latency included, as a synchronous client does.
  virtual ModelResponse complete(const ModelRequest& request) = 0;
  // The same call without holding a thread while the model is away: the coroutine suspends and
  // resumes on its scheduler when the reply is there (task.hpp, scheduler.hpp). `request` must
  // outlive the task (await it where it is created). The default runs complete() on the calling
  // thread, blocking it: correct for any back-end, asynchronous only for those that override it
  // (SimulatedModel: a timer; OpenAIModel: non-blocking HTTP transfers).
  virtual Task<ModelResponse> complete_async(const ModelRequest& request);
  virtual std::string name() const = 0;
};

}  // namespace legion
