#include "legion/openai_model.hpp"

#include <algorithm>

#include "http_transfers.hpp"
#include "legion/error.hpp"
#include "legion/hash.hpp"
#include "legion/json_input.hpp"
#include "legion/simulated_model.hpp"
#include "legion/splitmix64.hpp"
#include "legion/sync_wait.hpp"
#include "legion/timer.hpp"
#include "openai_reply.hpp"

namespace legion {
namespace {

Json request_body(const OpenAIModelOptions& options, const ModelRequest& request) {
  Json body = Json::object();
  if (!options.model.empty()) body["model"] = options.model;
  Json messages = Json::array();
  for (const ChatMessage& message : request.messages) messages.push_back(to_json(message));
  body["messages"] = std::move(messages);
  body["temperature"] = options.temperature;
  if (options.max_tokens > 0) body["max_tokens"] = options.max_tokens;
  if (!request.tools.empty()) {
    Json tools = Json::array();
    for (const ToolSpec& tool : request.tools) {
      tools.push_back({{"type", "function"},
                       {"function",
                        {{"name", tool.name},
                         {"description", tool.description},
                         {"parameters", tool.parameters}}}});
    }
    body["tools"] = std::move(tools);
  }
  return body;
}

}  // namespace

OpenAIModel::OpenAIModel(OpenAIModelOptions options)
    : options_(std::move(options)), transfers_(std::make_unique<detail::HttpTransfers>()) {
  if (const char* key = std::getenv(options_.api_key_env.c_str()); key != nullptr) api_key_ = key;
}

OpenAIModel::~OpenAIModel() = default;

std::string OpenAIModel::name() const {
  return options_.model.empty() ? "openai" : "openai:" + options_.model;
}

ModelResponse OpenAIModel::complete(const ModelRequest& request) {
  return sync_wait(complete_async(request));
}

Task<ModelResponse> OpenAIModel::complete_async(const ModelRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  const std::string url = options_.base_url + "/v1/chat/completions";
  const std::string payload =
      request_body(options_, request).dump(-1, ' ', false, Json::error_handler_t::replace);

  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, "Accept: application/json");
  // Without this, curl waits for "100 Continue" on large bodies, which many servers never send.
  headers = curl_slist_append(headers, "Expect:");
  if (!api_key_.empty()) {
    headers = curl_slist_append(headers, ("Authorization: Bearer " + api_key_).c_str());
  }
  const std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_guard(
      headers, curl_slist_free_all);

  const std::string where = "model endpoint " + url;
  const std::uint64_t jitter_seed = fnv1a(payload);
  detail::HttpExchange exchange;
  for (int attempt = 0;; ++attempt) {
    // A named awaiter: GCC 12 destroys temporaries inside a co_await expression twice.
    auto transfer =
        transfers_->post({url, &payload, headers, options_.timeout, options_.connect_timeout});
    exchange = co_await transfer;
    std::string problem;
    if (exchange.code != CURLE_OK) {
      problem = exchange.code == CURLE_OPERATION_TIMEDOUT ? "timed out: " : "connection failed: ";
      problem += detail::redact(exchange.error, api_key_);
    } else if (exchange.status == 429 || exchange.status >= 500) {
      problem = "HTTP " + std::to_string(exchange.status) + ": " +
                detail::excerpt(exchange.body, api_key_);
    } else if (exchange.status < 200 || exchange.status >= 300) {
      // Other client errors will not improve by asking again.
      throw ModelError(where + ": HTTP " + std::to_string(exchange.status) + ": " +
                       detail::excerpt(exchange.body, api_key_));
    } else {
      break;
    }
    if (attempt >= options_.max_retries) {
      throw ModelError(where + ": " + problem + " (after " + std::to_string(attempt + 1) +
                       " attempts)");
    }
    // Exponential backoff with up to 25% jitter, deterministic for a request so reruns wait
    // alike; a server's Retry-After wins when longer, both within max_backoff.
    const double base = static_cast<double>(options_.initial_backoff.count()) *
                        static_cast<double>(1ull << std::min(attempt, 20));
    constexpr std::uint64_t kSteps = 1 << 20;
    SplitMix64 stream(jitter_seed + static_cast<std::uint64_t>(attempt));
    const double jitter =
        0.25 * static_cast<double>(stream.below(kSteps)) / static_cast<double>(kSteps);
    auto wait = std::chrono::milliseconds(static_cast<std::int64_t>(base * (1.0 + jitter)));
    if (exchange.retry_after) {
      wait = std::max<std::chrono::milliseconds>(wait, *exchange.retry_after);
    }
    co_await sleep_for(std::min(wait, options_.max_backoff));
  }

  ModelResponse response = detail::parse_chat_completion(exchange.body, request, where, api_key_);
  response.model_time = std::chrono::steady_clock::now() - start;
  co_return std::move(response);
}

}  // namespace legion
