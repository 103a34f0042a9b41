#pragma once
// OpenAIModel: a Model over any OpenAI-compatible chat endpoint (llama.cpp, vLLM, Ollama,
// ...): POST {base_url}/v1/chat/completions with the conversation and the tools. The API key
// comes from an environment variable and is never logged, nor put into errors or results.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "legion/model.hpp"

namespace legion {

namespace detail {
class HttpTransfers;
}

struct OpenAIModelOptions {
  std::string base_url = "http://127.0.0.1:8080";
  std::string model;
  std::string api_key_env = "OPENAI_API_KEY";
  std::chrono::milliseconds timeout{60000};
  std::chrono::milliseconds connect_timeout{5000};
  int max_retries = 3;
  std::chrono::milliseconds initial_backoff{200};
  double temperature = 0.0;
  // OpenAI's `max_tokens`: the longest reply the server may generate. 0 sends none (the
  // server's own limit, which for a local model may be its whole context window).
  std::uint32_t max_tokens = 0;
  // Upper bound on one wait between attempts, whether from backoff or from Retry-After.
  std::chrono::milliseconds max_backoff{10000};
};

class OpenAIModel final : public Model {
 public:
  // Reads the API key from options.api_key_env once, here. Throws ModelError when libcurl
  // cannot be initialised. Must not be destroyed while calls are running.
  explicit OpenAIModel(OpenAIModelOptions options);
  ~OpenAIModel() override;

  // Retries connection errors, timeouts, 429 and 5xx with exponential backoff; throws
  // ModelError once retries are spent, on any other HTTP error, or on a malformed reply.
  // model_time is the wall time of the whole exchange, retries and backoff included. Usage
  // falls back to the deterministic token rule when the server reports none.
  // Transfers are non-blocking (one libcurl multi handle and one transfer thread per model,
  // connections reused across calls); complete_async holds no thread while the server works or
  // while it backs off between attempts. complete() is sync_wait() over it.
  ModelResponse complete(const ModelRequest& request) override;
  Task<ModelResponse> complete_async(const ModelRequest& request) override;
  std::string name() const override;

  const OpenAIModelOptions& options() const { return options_; }

 private:
  OpenAIModelOptions options_;
  std::string api_key_;  // empty when the variable is unset
  std::unique_ptr<detail::HttpTransfers> transfers_;
};

}  // namespace legion
