#pragma once
// The worker's operator endpoint (`legion worker --metrics-addr HOST:PORT`), on cpp-httplib:
//   GET /metrics  the Prometheus text exposition (text/plain; version=0.0.4)
//   GET /healthz  200 "ok" while the process works; 500 with the reason once a worker thread
//                 died of an error it could not wait out
//   GET /readyz   200 "ready" while it takes work: not stopping, and the store answered its
//                 last call; 503 with the reason otherwise
// Port 0 picks a free port; port() says which.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace legion::cli {

struct Probe {
  bool ok = true;
  std::string reason;  // the body when not ok
};

struct EndpointHandlers {
  std::function<std::string()> metrics;
  std::function<Probe()> health;
  std::function<Probe()> ready;
};

class MetricsServer {
 public:
  // addr "HOST:PORT"; throws ConfigError naming --metrics-addr when it is malformed or the
  // port cannot be bound.
  MetricsServer(const std::string& addr, EndpointHandlers handlers);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::string host_;
  int port_ = 0;
  std::atomic<bool> finished_{false};
  std::thread thread_;
};

}  // namespace legion::cli
