#include "simserver/server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "legion/message.hpp"

namespace legion::simserver {
namespace {

using namespace std::chrono_literals;

// A server on its own thread for one test.
class Running {
 public:
  explicit Running(ServerOptions options = {}) : server_(std::move(options)) {
    thread_ = std::thread([this] { server_.run(); });
  }
  ~Running() {
    server_.stop();
    thread_.join();
  }
  Server& server() { return server_; }
  std::uint16_t port() { return server_.port(); }

 private:
  Server server_;
  std::thread thread_;
};

int connect_to(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the server may close early (413): the reply is still readable
    sent += static_cast<std::size_t>(n);
  }
}

// Reads until `done(data)` or EOF or 5 s of silence.
template <class Done>
std::string read_until(int fd, Done done) {
  std::string data;
  char buffer[8192];
  while (!done(data)) {
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, 5000) <= 0) break;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

struct Reply {
  int status = 0;
  std::string head;
  std::string body;
};

// One request with Content-Length framing; the reply read to its Content-Length.
Reply round_trip(int fd, const std::string& request) {
  send_all(fd, request);
  const std::string data = read_until(fd, [](const std::string& d) {
    const std::size_t end = d.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    const std::size_t at = d.find("Content-Length: ");
    if (at == std::string::npos || at > end) return false;
    return d.size() >= end + 4 + std::stoul(d.substr(at + 16));
  });
  Reply reply;
  const std::size_t end = data.find("\r\n\r\n");
  if (data.size() < 12 || end == std::string::npos) return reply;
  reply.status = std::stoi(data.substr(9, 3));
  reply.head = data.substr(0, end);
  reply.body = data.substr(end + 4);
  return reply;
}

std::string post(const std::string& path, const std::string& body, const std::string& extra = "") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
         extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

Reply request(std::uint16_t port, const std::string& text) {
  const int fd = connect_to(port);
  Reply reply = round_trip(fd, text);
  ::close(fd);
  return reply;
}

const std::string kChat = R"({"model": "test", "messages": [
  {"role": "user", "content": "Add.\n[[script]]\ncall add {\"a\": 2, \"b\": 3}\nanswer The sum is {{result}}\n[[/script]]"}],
  "tools": [{"type": "function", "function": {"name": "add", "parameters": {"type": "object"}}}]})";

const std::string kWords = R"({"model": "test", "stream": true, "messages": [
  {"role": "user", "content": "[[script]]\nanswer one two three four five six seven eight\n[[/script]]"}]})";

Json error_of(const Reply& reply) {
  const Json body = Json::parse(reply.body, nullptr, false);
  EXPECT_TRUE(body.is_object() && body.contains("error")) << reply.body;
  return body.is_object() ? body.value("error", Json()) : Json();
}

TEST(SimServer, AnswersAChatCompletionAndCountsIt) {
  CounterBlock block;
  block.magic = CounterBlock::kMagic;
  ServerOptions options;
  options.counters = &block;
  Running running(options);
  const Reply reply = request(running.port(), post("/v1/chat/completions", kChat));
  ASSERT_EQ(reply.status, 200) << reply.head << reply.body;
  EXPECT_NE(reply.head.find("Content-Type: application/json"), std::string::npos);
  const Json body = Json::parse(reply.body);
  EXPECT_EQ(body["object"], "chat.completion");
  EXPECT_EQ(body["model"], "test");
  EXPECT_EQ(body["choices"][0]["message"]["tool_calls"][0]["function"]["name"], "add");
  EXPECT_EQ(body["choices"][0]["finish_reason"], "tool_calls");
  const CounterSnapshot counted = snapshot(block);
  EXPECT_EQ(counted.calls, 1u);
  EXPECT_EQ(counted.prompt_tokens, body["usage"]["prompt_tokens"].get<std::uint64_t>());
  EXPECT_GT(counted.server_cpu_ns, 0u);
}

TEST(SimServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  Running running;
  const int fd = connect_to(running.port());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(round_trip(fd, post("/v1/chat/completions", kChat)).status, 200) << i;
  }
  ::close(fd);
  EXPECT_EQ(running.server().counters().calls, 3u);
}

TEST(SimServer, ModelsAndUnknownRoutes) {
  Running running;
  Reply reply = request(running.port(), "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(Json::parse(reply.body)["data"][0]["id"], "legion-simulated");
  reply = request(running.port(), "GET /v1/models/legion-simulated HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(Json::parse(reply.body)["object"], "model");
  reply = request(running.port(), "GET /v1/models/gpt-9 HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(error_of(reply)["code"], "model_not_found");
  reply = request(running.port(), "GET /v1/embeddings HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(error_of(reply)["code"], "unknown_url");
  reply = request(running.port(), "GET /v1/chat/completions HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.status, 405);
}

TEST(SimServer, MalformedRequestsGetJsonErrorsAndTheServerStaysUp) {
  ServerOptions options;
  options.max_body_bytes = 64 * 1024;
  Running running(options);
  const std::uint16_t port = running.port();

  Reply reply = request(port, post("/v1/chat/completions", "{\"model\": "));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply)["message"], "the request body is not valid JSON");

  reply = request(port, post("/v1/chat/completions", R"({"model": "m"})"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply)["param"], "messages");

  // A conversation without a script: the model cannot answer, deterministically -> 400.
  reply = request(port, post("/v1/chat/completions",
                             R"({"model": "m", "messages": [{"role": "user", "content": "hi"}]})"));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply)["code"], "script_error");

  // Larger than the limit: 413 while the client is still sending (it reads the reply, not a
  // reset).
  reply = request(port, post("/v1/chat/completions", std::string(1 << 20, 'x')));
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(error_of(reply)["code"], "request_too_large");

  reply = request(port, "BREW /pot HTCPCP/1.0\r\n\r\n");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(error_of(reply)["code"], "bad_request");

  // Half a request, then hang up.
  int fd = connect_to(port);
  send_all(fd, "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"mo");
  ::close(fd);

  EXPECT_EQ(request(port, post("/v1/chat/completions", kChat)).status, 200);
  EXPECT_EQ(running.server().counters().errors, 5u);
}

// The SSE events of a streamed reply, in order ("data: " payloads).
std::vector<std::string> events(const std::string& body) {
  std::vector<std::string> out;
  for (std::size_t at = body.find("data: "); at != std::string::npos;
       at = body.find("data: ", at + 1)) {
    out.push_back(body.substr(at + 6, body.find("\n\n", at) - at - 6));
  }
  return out;
}

TEST(SimServer, StreamsServerSentEventsEndingWithDone) {
  Running running;
  const int fd = connect_to(running.port());
  send_all(fd, post("/v1/chat/completions", kWords));
  const std::string data = read_until(
      fd, [](const std::string& d) { return d.find("\r\n0\r\n\r\n") != std::string::npos; });
  ::close(fd);
  EXPECT_NE(data.find("Content-Type: text/event-stream"), std::string::npos) << data;
  EXPECT_NE(data.find("Transfer-Encoding: chunked"), std::string::npos) << data;
  const std::vector<std::string> payloads = events(data);
  ASSERT_GE(payloads.size(), 4u);
  EXPECT_EQ(payloads.back(), "[DONE]");
  std::string text;
  for (std::size_t i = 0; i + 1 < payloads.size(); ++i) {
    const Json chunk = Json::parse(payloads[i]);
    const Json& delta = chunk["choices"][0]["delta"];
    if (delta.contains("content") && delta["content"].is_string()) text += delta["content"];
  }
  EXPECT_EQ(text, "one two three four five six seven eight");
}

TEST(SimServer, ClientHangingUpMidStreamLeavesTheServerServing) {
  ServerOptions options;
  options.latency = LatencyModel::parse("fixed:600ms");  // spread over the events
  Running running(options);
  const int fd = connect_to(running.port());
  send_all(fd, post("/v1/chat/completions", kWords));
  const std::string first =
      read_until(fd, [](const std::string& d) { return d.find("data: ") != std::string::npos; });
  ASSERT_NE(first.find("data: "), std::string::npos);
  EXPECT_EQ(first.find("[DONE]"), std::string::npos);  // mid-stream
  ::close(fd);
  std::this_thread::sleep_for(700ms);  // the server writes the rest into a closed socket
  const Reply reply = request(running.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(running.server().counters().calls, 1u);
}

TEST(SimServer, ThousandsOfOpenConnectionsOnOneThread) {
  constexpr int kConnections = 2000;
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_max < 2 * kConnections + 64) GTEST_SKIP() << "RLIMIT_NOFILE too low";
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);

  ServerOptions options;
  options.threads = 1;
  options.latency = LatencyModel::parse("fixed:200ms");  // every reply waits, all at once
  Running running(options);
  std::vector<int> fds;
  for (int i = 0; i < kConnections; ++i) {
    const int fd = connect_to(running.port());
    ASSERT_GE(fd, 0) << i;
    fds.push_back(fd);
  }
  const auto start = std::chrono::steady_clock::now();
  const std::string body = post("/v1/chat/completions", kChat);
  for (int fd : fds) send_all(fd, body);
  int ok = 0;
  for (int fd : fds) ok += round_trip(fd, "").status == 200 ? 1 : 0;
  const auto elapsed = std::chrono::steady_clock::now() - start;
  for (int fd : fds) ::close(fd);
  EXPECT_EQ(ok, kConnections);
  // Thread per connection would not fit; a timer per reply does: the 200 ms waits overlap.
  EXPECT_LT(elapsed, 20s);
  EXPECT_EQ(running.server().counters().calls, static_cast<std::uint64_t>(kConnections));
}

TEST(SimServer, RefusesAPortInUse) {
  Running first;
  ServerOptions options;
  options.port = first.port();
  EXPECT_THROW(Server second(options), std::runtime_error);
}

}  // namespace
}  // namespace legion::simserver
