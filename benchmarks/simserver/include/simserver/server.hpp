#pragma once
// legion-simserver's HTTP server: OpenAI's /v1/chat/completions (plain and `stream: true` as
// server-sent events) and /v1/models on 127.0.0.1, answered by one SimulatedModel (the
// scripts travel in the conversation, as in-process), with its latency model as timers.
// Event-driven on Boost.Beast/Asio: a connection is a few hundred bytes of state, not a
// thread, so thousands stay open on one or two threads; a reply's latency is a timer, so
// waiting replies cost no thread either.
//
// Routes: POST /v1/chat/completions, GET /v1/models, GET /v1/models/{id}, GET /health,
// GET /legion/counters (the counter block as JSON; not OpenAI's). With `upstream`, every route
// but the last two is forwarded to that server instead (upstream.hpp). Every error is OpenAI's
// error object with a 4xx/5xx status; a malformed or oversized request never stops the
// server. Details: docs/simserver.md.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "legion/latency.hpp"
#include "simserver/shared_counters.hpp"

namespace legion::simserver {

struct ServerOptions {
  std::uint16_t port = 0;  // 0: the kernel picks a free one (see Server::port())
  std::size_t threads = 1;
  std::uint64_t seed = 42;
  LatencyModel latency;
  std::string served_model = "legion-simulated";  // what /v1/models lists
  std::size_t max_body_bytes = std::size_t{8} << 20;
  std::chrono::seconds idle_timeout{300};  // a keep-alive connection with no request
  CounterBlock* counters = nullptr;        // shared block to count into; null: a private one
  // Non-empty: a metering proxy to this http:// server instead of the simulated model
  // (upstream.hpp); the constructor throws on a URL parse_upstream refuses.
  std::string upstream;
  std::chrono::milliseconds upstream_timeout{600000};
};

class Server {
 public:
  // Binds 127.0.0.1:port and listens; throws std::runtime_error naming the problem (port in
  // use, bad options).
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t port() const;
  // Serves on options.threads threads (the caller's among them) until stop().
  void run();
  // Thread-safe; run() returns once the threads are done. Open connections are dropped.
  void stop();
  CounterSnapshot counters() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace legion::simserver
