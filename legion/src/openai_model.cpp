#include "legion/openai_model.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <thread>

#include "legion/error.hpp"
#include "legion/simulated_model.hpp"
#include "legion/splitmix64.hpp"
#include "openai_reply.hpp"

namespace legion {
namespace {

// curl_global_init is not thread-safe and must run once before any handle exists; a
// function-local static gives exactly that.
void init_curl_once() {
  static const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (code != CURLE_OK) throw ModelError("libcurl failed to initialise");
}

struct Exchange {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::optional<std::chrono::seconds> retry_after;
  std::string error;  // curl's description of a transport failure
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<Exchange*>(user)->body.append(data, size * count);
  return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    // Only the delta-seconds form; an HTTP date is rare from model servers and is ignored.
    const long seconds = std::strtol(std::string(line.substr(kName.size())).c_str(), nullptr, 10);
    if (seconds > 0) static_cast<Exchange*>(user)->retry_after = std::chrono::seconds(seconds);
  }
  return size * count;
}

Json request_body(const OpenAIModelOptions& options, const ModelRequest& request) {
  Json body = Json::object();
  if (!options.model.empty()) body["model"] = options.model;
  Json messages = Json::array();
  for (const ChatMessage& message : request.messages) messages.push_back(to_json(message));
  body["messages"] = std::move(messages);
  body["temperature"] = options.temperature;
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

OpenAIModel::OpenAIModel(OpenAIModelOptions options) : options_(std::move(options)) {
  init_curl_once();
  if (const char* key = std::getenv(options_.api_key_env.c_str()); key != nullptr) api_key_ = key;
}

OpenAIModel::~OpenAIModel() = default;

std::string OpenAIModel::name() const {
  return options_.model.empty() ? "openai" : "openai:" + options_.model;
}

namespace {

Exchange post(const std::string& url, const std::string& payload, curl_slist* headers,
              const OpenAIModelOptions& options) {
  Exchange exchange;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    exchange.code = CURLE_FAILED_INIT;
    exchange.error = "curl_easy_init failed";
    return exchange;
  }
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout.count()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  // Timeouts by signal are unsafe with many threads.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  exchange.code = curl_easy_perform(curl);
  if (exchange.code == CURLE_OK) {
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &exchange.status);
  } else {
    exchange.error = error[0] != '\0' ? error : curl_easy_strerror(exchange.code);
  }
  curl_easy_cleanup(curl);
  return exchange;
}

}  // namespace

ModelResponse OpenAIModel::complete(const ModelRequest& request) {
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
  Exchange exchange;
  for (int attempt = 0;; ++attempt) {
    exchange = post(url, payload, headers, options_);
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
    std::this_thread::sleep_for(std::min(wait, options_.max_backoff));
  }

  ModelResponse response = detail::parse_chat_completion(exchange.body, request, where, api_key_);
  response.model_time = std::chrono::steady_clock::now() - start;
  return response;
}

}  // namespace legion
