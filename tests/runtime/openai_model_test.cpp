#include "legion/openai_model.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "legion/error.hpp"
#include "legion/executor.hpp"
#include "legion/fork_join.hpp"
#include "legion/simulated_model.hpp"
#include "legion/sync_wait.hpp"
#include "legion/tokens.hpp"

namespace legion {
namespace {

using namespace std::chrono_literals;

sockaddr_in loopback_address() {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;  // port 0: the kernel picks a free one at bind()
}

// Binds `fd` to an ephemeral loopback port and returns the port.
int bind_ephemeral(int fd) {
  sockaddr_in address = loopback_address();
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
  socklen_t length = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

struct CannedResponse {
  CannedResponse(int status, std::string body, std::string extra_headers = "")
      : status(status), body(std::move(body)), extra_headers(std::move(extra_headers)) {}
  static CannedResponse hang() {
    CannedResponse response(0, "");
    response.never_answer = true;
    return response;
  }
  // Headers at once, then the body one byte per `gap` (a server stalling mid-body).
  static CannedResponse slow_body(std::string body, std::chrono::milliseconds gap) {
    CannedResponse response(200, std::move(body));
    response.trickle = gap;
    return response;
  }
  // Announces the whole body, sends half of it, then closes the connection.
  static CannedResponse closes_early(std::string body) {
    CannedResponse response(200, std::move(body));
    response.close_early = true;
    return response;
  }
  int status;
  std::string body;
  std::string extra_headers;  // full lines, each ending in \r\n
  bool never_answer = false;  // read the request, then hold the connection silently
  std::chrono::milliseconds trickle{0};
  bool close_early = false;
};

struct RecordedRequest {
  std::string head;  // request line and headers
  std::string body;
};

// How the server pairs requests and connections.
enum class Serving {
  kConnectionPerResponse,  // one request per connection, answered and closed, one at a time
  kKeepAlive,              // one connection for every request (HTTP keep-alive)
  kAllAtOnce,              // one connection per request; answers only once all have arrived
};

// An HTTP/1.1 server on 127.0.0.1 that answers with the canned responses in order and records
// what it was sent.
class LoopbackServer {
 public:
  explicit LoopbackServer(std::vector<CannedResponse> responses,
                          Serving serving = Serving::kConnectionPerResponse)
      : responses_(std::move(responses)), serving_(serving) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    port_ = bind_ephemeral(listener_);
    if (port_ < 0 || ::listen(listener_, 16) != 0) {
      throw std::runtime_error("loopback server: bind/listen failed");
    }
    thread_ = std::thread([this] { serve(); });
  }

  ~LoopbackServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::vector<RecordedRequest> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

  int connections() const { return connections_.load(); }  // accepted so far

 private:
  // Waits for `fd` to be readable, giving up when the server stops.
  bool readable(int fd) {
    while (!stop_) {
      pollfd entry{fd, POLLIN, 0};
      if (::poll(&entry, 1, 20) > 0) return true;
    }
    return false;
  }

  static std::string http_reply(const CannedResponse& response, bool keep_alive) {
    return "HTTP/1.1 " + std::to_string(response.status) + " Canned\r\n" +
           "Content-Type: application/json\r\nContent-Length: " +
           std::to_string(response.body.size()) +
           "\r\nConnection: " + (keep_alive ? "keep-alive" : "close") + "\r\n" +
           response.extra_headers + "\r\n" + response.body;
  }

  int accept_one() {
    if (!readable(listener_)) return -1;
    const int client = ::accept(listener_, nullptr, nullptr);
    if (client >= 0) ++connections_;
    return client;
  }

  void record(RecordedRequest request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(std::move(request));
  }

  void serve() {
    if (serving_ == Serving::kKeepAlive) {
      const int client = accept_one();
      if (client < 0) return;
      for (const CannedResponse& response : responses_) {
        record(read_request(client));
        const std::string reply = http_reply(response, true);
        ::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
      }
      ::close(client);
      return;
    }
    if (serving_ == Serving::kAllAtOnce) {
      std::vector<int> clients;
      for (std::size_t i = 0; i < responses_.size(); ++i) {
        const int client = accept_one();
        if (client < 0) break;
        clients.push_back(client);
        record(read_request(client));
      }
      for (std::size_t i = 0; i < clients.size(); ++i) {
        const std::string reply = http_reply(responses_[i], false);
        ::send(clients[i], reply.data(), reply.size(), MSG_NOSIGNAL);
        ::close(clients[i]);
      }
      return;
    }
    for (const CannedResponse& response : responses_) {
      if (!readable(listener_)) return;
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) return;
      RecordedRequest request = read_request(client);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      if (response.never_answer) {
        // Hold the connection until the client gives up (EOF) or the server stops.
        char byte;
        while (readable(client) && ::recv(client, &byte, 1, 0) > 0) {
        }
      } else {
        const std::string head = "HTTP/1.1 " + std::to_string(response.status) + " Canned\r\n" +
                                 "Content-Type: application/json\r\nContent-Length: " +
                                 std::to_string(response.body.size()) +
                                 "\r\nConnection: close\r\n" + response.extra_headers + "\r\n";
        std::string body = response.body;
        if (response.close_early) body.resize(body.size() / 2);
        if (response.trickle.count() > 0) {
          ::send(client, head.data(), head.size(), MSG_NOSIGNAL);
          for (char byte : body) {
            if (stop_ || ::send(client, &byte, 1, MSG_NOSIGNAL) != 1) break;
            std::this_thread::sleep_for(response.trickle);
          }
        } else {
          const std::string reply = head + body;
          ::send(client, reply.data(), reply.size(), MSG_NOSIGNAL);
        }
      }
      ::close(client);
    }
  }

  RecordedRequest read_request(int client) {
    std::string data;
    char buffer[4096];
    std::size_t head_end = std::string::npos;
    std::size_t wanted = 0;
    while (readable(client)) {
      const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got <= 0) break;
      data.append(buffer, static_cast<std::size_t>(got));
      if (head_end == std::string::npos &&
          (head_end = data.find("\r\n\r\n")) != std::string::npos) {
        std::string lower = data.substr(0, head_end);
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::size_t length = lower.find("content-length:");
        wanted = length == std::string::npos ? 0 : std::stoul(lower.substr(length + 15));
      }
      if (head_end != std::string::npos && data.size() >= head_end + 4 + wanted) break;
    }
    if (head_end == std::string::npos) return {data, ""};
    return {data.substr(0, head_end), data.substr(head_end + 4)};
  }

  std::vector<CannedResponse> responses_;
  Serving serving_;
  std::atomic<int> connections_{0};
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<RecordedRequest> requests_;
};

std::string completion(const Json& message, const Json& usage = nullptr) {
  Json body = {{"id", "x"}, {"choices", {{{"index", 0}, {"message", message}}}}};
  if (!usage.is_null()) body["usage"] = usage;
  return body.dump();
}

// The ModelError a call raises, or "no error".
std::string model_error(OpenAIModel& model, const ModelRequest& request) {
  try {
    model.complete(request);
  } catch (const ModelError& error) {
    return error.what();
  }
  return "no error";
}

OpenAIModelOptions fast_options(const std::string& url) {
  OpenAIModelOptions options;
  options.base_url = url;
  options.model = "test-model";
  options.api_key_env = "LEGION_TEST_UNSET_KEY_VARIABLE";
  options.timeout = 2000ms;
  options.connect_timeout = 500ms;
  options.max_retries = 2;
  options.initial_backoff = 1ms;
  return options;
}

ModelRequest sample_request() {
  ModelRequest request;
  request.messages = {{Role::kSystem, "Be brief.", "", {}, ""},
                      {Role::kUser, "Add 2 and 3", "", {}, ""}};
  request.tools = {{"add",
                    "Adds two numbers",
                    {{"type", "object"},
                     {"properties", {{"a", {{"type", "number"}}}, {"b", {{"type", "number"}}}}}}}};
  return request;
}

TEST(OpenAIModel, TextReplyAndRequestShape) {
  LoopbackServer server({{200, completion({{"role", "assistant"}, {"content", "Five."}},
                                          {{"prompt_tokens", 31}, {"completion_tokens", 2}})}});
  OpenAIModel model(fast_options(server.url()));
  EXPECT_EQ(model.name(), "openai:test-model");
  const ModelResponse response = model.complete(sample_request());
  EXPECT_EQ(response.message.role, Role::kAssistant);
  EXPECT_EQ(response.message.content, "Five.");
  EXPECT_FALSE(response.has_tool_calls());
  EXPECT_EQ(response.usage.prompt_tokens, 31u);
  EXPECT_EQ(response.usage.completion_tokens, 2u);
  EXPECT_GT(response.model_time.count(), 0);

  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_TRUE(requests[0].head.starts_with("POST /v1/chat/completions HTTP/1.1"))
      << requests[0].head;
  EXPECT_EQ(requests[0].head.find("Authorization"), std::string::npos);
  const Json sent = Json::parse(requests[0].body);
  EXPECT_EQ(sent["model"], "test-model");
  EXPECT_EQ(sent["temperature"], 0.0);
  EXPECT_FALSE(sent.contains("max_tokens"));  // no cap unless asked: the server's own limit
  ASSERT_EQ(sent["messages"].size(), 2u);
  EXPECT_EQ(sent["messages"][1], (Json{{"role", "user"}, {"content", "Add 2 and 3"}}));
  EXPECT_EQ(sent["tools"][0]["type"], "function");
  EXPECT_EQ(sent["tools"][0]["function"]["name"], "add");
  EXPECT_EQ(sent["tools"][0]["function"]["parameters"]["properties"]["a"]["type"], "number");
}

TEST(OpenAIModel, SendsTheMaxTokensCapWhenSet) {
  LoopbackServer server({{200, completion({{"role", "assistant"}, {"content", "Five."}})}});
  OpenAIModelOptions options = fast_options(server.url());
  options.max_tokens = 128;
  OpenAIModel model(options);
  model.complete(sample_request());
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(Json::parse(requests[0].body)["max_tokens"], 128);
}

TEST(OpenAIModel, ToolCallReplyWithNullContentAndNoUsage) {
  const Json message = {{"role", "assistant"},
                        {"content", nullptr},
                        {"tool_calls",
                         {{{"id", "call_abc"},
                           {"type", "function"},
                           {"function", {{"name", "add"}, {"arguments", R"({"a":2,"b":3})"}}}}}}};
  LoopbackServer server({{200, completion(message)}});
  OpenAIModel model(fast_options(server.url()));
  const ModelRequest request = sample_request();
  const ModelResponse response = model.complete(request);
  EXPECT_EQ(response.message.content, "");
  ASSERT_EQ(response.message.tool_calls.size(), 1u);
  EXPECT_EQ(response.message.tool_calls[0].id, "call_abc");
  EXPECT_EQ(response.message.tool_calls[0].name, "add");
  EXPECT_EQ(response.message.tool_calls[0].arguments, (Json{{"a", 2}, {"b", 3}}));
  // No usage from the server: the deterministic rule fills in.
  EXPECT_EQ(response.usage.prompt_tokens, count_prompt_tokens(request));
  EXPECT_EQ(response.usage.completion_tokens, count_completion_tokens(response.message));
}

TEST(OpenAIModel, RetriesAServerErrorOnce) {
  LoopbackServer server({{500, R"({"error":"busy"})"},
                         {200, completion({{"role", "assistant"}, {"content", "ok"}})}});
  OpenAIModel model(fast_options(server.url()));
  EXPECT_EQ(model.complete(sample_request()).message.content, "ok");
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(OpenAIModel, HonoursRetryAfterOn429) {
  LoopbackServer server({{429, "{}", "Retry-After: 1\r\n"},
                         {200, completion({{"role", "assistant"}, {"content", "ok"}})}});
  OpenAIModelOptions options = fast_options(server.url());
  options.max_backoff = 300ms;  // caps the server's 1 s
  OpenAIModel model(options);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(model.complete(sample_request()).message.content, "ok");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GE(elapsed, 300ms);
  EXPECT_LT(elapsed, 900ms);
}

TEST(OpenAIModel, ClientErrorIsNotRetried) {
  LoopbackServer server({{400, R"({"error":{"message":"bad tool schema"}})"},
                         {200, completion({{"role", "assistant"}, {"content", "late"}})}});
  OpenAIModel model(fast_options(server.url()));
  const std::string what = model_error(model, sample_request());
  EXPECT_NE(what.find("HTTP 400"), std::string::npos) << what;
  EXPECT_NE(what.find("bad tool schema"), std::string::npos) << what;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(OpenAIModel, SendsTheKeyButNeverLeaksIt) {
  const std::string key = "sk-test-SECRET-1234567890";
  ::setenv("LEGION_TEST_CUSTOM_KEY", key.c_str(), 1);
  // The server echoes the key back in an error body, as some proxies do.
  LoopbackServer server({{200, completion({{"role", "assistant"}, {"content", "ok"}})},
                         {401, R"({"error":"invalid key )" + key + R"("})"}});
  OpenAIModelOptions options = fast_options(server.url());
  options.api_key_env = "LEGION_TEST_CUSTOM_KEY";
  OpenAIModel model(options);
  ::unsetenv("LEGION_TEST_CUSTOM_KEY");
  const ModelResponse response = model.complete(sample_request());
  EXPECT_EQ(response.message.content.find(key), std::string::npos);
  const std::string what = model_error(model, sample_request());
  EXPECT_EQ(what.find(key), std::string::npos) << what;
  EXPECT_NE(what.find("invalid key [redacted]"), std::string::npos) << what;
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_NE(requests[0].head.find("Authorization: Bearer " + key), std::string::npos);
  EXPECT_EQ(requests[0].body.find(key), std::string::npos);
}

TEST(OpenAIModel, TimeoutFailsAfterRetries) {
  LoopbackServer server({CannedResponse::hang(), CannedResponse::hang(), CannedResponse::hang()});
  OpenAIModelOptions options = fast_options(server.url());
  options.timeout = 100ms;
  options.max_retries = 2;
  OpenAIModel model(options);
  const std::string what = model_error(model, sample_request());
  EXPECT_NE(what.find("timed out"), std::string::npos) << what;
  EXPECT_NE(what.find("after 3 attempts"), std::string::npos) << what;
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(OpenAIModel, SlowBodyTimesOutThenRetriesAreBounded) {
  const std::string body = completion({{"role", "assistant"}, {"content", "ok"}});
  LoopbackServer server(
      {CannedResponse::slow_body(body, 50ms), CannedResponse::slow_body(body, 50ms)});
  OpenAIModelOptions options = fast_options(server.url());
  options.timeout = 300ms;  // the body needs seconds at one byte per 50 ms
  options.max_retries = 1;
  OpenAIModel model(options);
  const auto start = std::chrono::steady_clock::now();
  const std::string what = model_error(model, sample_request());
  EXPECT_NE(what.find("timed out"), std::string::npos) << what;
  EXPECT_NE(what.find("after 2 attempts"), std::string::npos) << what;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(OpenAIModel, ServerClosingMidBodyIsRetriedThenReported) {
  const std::string body = completion({{"role", "assistant"}, {"content", "a complete answer"}});
  LoopbackServer closing({CannedResponse::closes_early(body), CannedResponse::closes_early(body),
                          CannedResponse::closes_early(body)});
  OpenAIModel model(fast_options(closing.url()));
  const std::string what = model_error(model, sample_request());
  EXPECT_NE(what.find("connection failed"), std::string::npos) << what;
  EXPECT_NE(what.find("after 3 attempts"), std::string::npos) << what;
  EXPECT_EQ(closing.requests().size(), 3u);

  // A cut reply followed by a whole one: the retry succeeds.
  LoopbackServer recovers({CannedResponse::closes_early(body), {200, body}});
  OpenAIModel again(fast_options(recovers.url()));
  EXPECT_EQ(again.complete(sample_request()).message.content, "a complete answer");
}

TEST(OpenAIModel, PersistentServerErrorsAreBoundedAndNamed) {
  LoopbackServer server({{500, R"({"error":{"message":"overloaded"}})"},
                         {503, "Service Unavailable"},
                         {500, R"({"error":{"message":"overloaded"}})"}});
  OpenAIModel model(fast_options(server.url()));
  const std::string what = model_error(model, sample_request());
  EXPECT_NE(what.find("HTTP 500"), std::string::npos) << what;
  EXPECT_NE(what.find("overloaded"), std::string::npos) << what;
  EXPECT_NE(what.find("after 3 attempts"), std::string::npos) << what;
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(OpenAIModel, GarbageWithSuccessStatusIsAClearError) {
  LoopbackServer server({{200, std::string("\x89PNG\r\n\x1a\n\0\0garbage", 17)},
                         {200, R"({"choices":[{"message":"not an object"}]})"}});
  OpenAIModel model(fast_options(server.url()));
  std::string what = model_error(model, sample_request());
  EXPECT_NE(what.find("malformed reply (no choices[0].message)"), std::string::npos) << what;
  what = model_error(model, sample_request());
  EXPECT_NE(what.find("malformed reply"), std::string::npos) << what;
  EXPECT_EQ(server.requests().size(), 2u);  // a 200 with garbage is not retried
}

TEST(OpenAIModel, ConnectionRefused) {
  // Bind and close a socket to get a port nobody listens on.
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  const int port = bind_ephemeral(probe);
  ::close(probe);
  ASSERT_GT(port, 0);
  OpenAIModel model(fast_options("http://127.0.0.1:" + std::to_string(port)));
  const std::string what = model_error(model, sample_request());
  EXPECT_NE(what.find("connection failed"), std::string::npos) << what;
  EXPECT_NE(what.find("after 3 attempts"), std::string::npos) << what;
}

TEST(OpenAIModel, MalformedReplies) {
  LoopbackServer server(
      {{200, "not json"},
       {200, R"({"choices":[]})"},
       {200,
        completion({{"role", "assistant"},
                    {"tool_calls",
                     {{{"id", "c"}, {"function", {{"name", "f"}, {"arguments", "{oops"}}}}}}})}});
  OpenAIModel model(fast_options(server.url()));
  for (int i = 0; i < 3; ++i) EXPECT_THROW(model.complete(sample_request()), ModelError) << i;
  EXPECT_EQ(server.requests().size(), 3u);
}

// Non-blocking transfers: four calls from coroutines on a one-worker executor all reach the
// server before it answers any (it answers only then), so no call held the thread.
TEST(OpenAIModel, AsyncCallsRunAtOnceWithoutHoldingThreads) {
  std::vector<CannedResponse> replies;
  for (int i = 0; i < 4; ++i) {
    replies.emplace_back(200,
                         completion({{"role", "assistant"}, {"content", "r" + std::to_string(i)}}));
  }
  LoopbackServer server(replies, Serving::kAllAtOnce);
  OpenAIModel model(fast_options(server.url()));
  Executor executor(1);
  const ModelRequest request = sample_request();
  std::vector<std::string> answers(4);
  auto call = [](OpenAIModel& m, const ModelRequest& r, std::string& out) -> Task<void> {
    out = (co_await m.complete_async(r)).message.content;
  };
  sync_wait(for_each_async(&executor, answers.size(),
                           [&](std::size_t i) { return call(model, request, answers[i]); }));
  std::sort(answers.begin(), answers.end());
  EXPECT_EQ(answers, (std::vector<std::string>{"r0", "r1", "r2", "r3"}));
  EXPECT_EQ(server.requests().size(), 4u);
}

// Calls after the first reuse its connection (one multi handle, pooled easy handles).
TEST(OpenAIModel, ConnectionsAreReused) {
  const std::string reply = completion({{"role", "assistant"}, {"content", "ok"}});
  LoopbackServer server({{200, reply}, {200, reply}, {200, reply}}, Serving::kKeepAlive);
  OpenAIModel model(fast_options(server.url()));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(model.complete(sample_request()).message.content, "ok");
  EXPECT_EQ(server.connections(), 1);
}

}  // namespace
}  // namespace legion
