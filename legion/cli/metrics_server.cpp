#include "metrics_server.hpp"

#include <httplib.h>

#include <cerrno>
#include <cstring>

#include "legion/error.hpp"

namespace legion::cli {
namespace {

void probe(httplib::Response& response, const std::function<Probe()>& check, int failure_status,
           const char* ok_body) {
  Probe p = check ? check() : Probe{};
  response.status = p.ok ? 200 : failure_status;
  response.set_content(p.ok ? std::string(ok_body) + "\n" : p.reason + "\n", "text/plain");
}

}  // namespace

MetricsServer::MetricsServer(const std::string& addr, EndpointHandlers handlers)
    : server_(std::make_unique<httplib::Server>()) {
  auto colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == addr.size()) {
    throw ConfigError("--metrics-addr: expected HOST:PORT (e.g. 127.0.0.1:9464), got '" + addr +
                      "'");
  }
  host_ = addr.substr(0, colon);
  if (host_.size() > 2 && host_.front() == '[' && host_.back() == ']') {
    host_ = host_.substr(1, host_.size() - 2);
  }
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(addr.substr(colon + 1), &used);
    if (used != addr.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
  }
  if (port < 0 || port > 65535) {
    throw ConfigError("--metrics-addr: '" + addr.substr(colon + 1) + "' is not a port (0-65535)");
  }
  // Two threads serve scrapes and probes; the default pool would start one per core, at least 8.
  server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  server_->Get("/metrics", [h = handlers.metrics](const httplib::Request&, httplib::Response& r) {
    r.set_content(h ? h() : std::string(), "text/plain; version=0.0.4; charset=utf-8");
  });
  server_->Get("/healthz", [h = handlers.health](const httplib::Request&, httplib::Response& r) {
    probe(r, h, 500, "ok");
  });
  server_->Get("/readyz", [h = handlers.ready](const httplib::Request&, httplib::Response& r) {
    probe(r, h, 503, "ready");
  });
  errno = 0;
  port_ = port == 0 ? server_->bind_to_any_port(host_) : port;
  if (port_ <= 0 || (port != 0 && !server_->bind_to_port(host_, port))) {
    std::string why = errno ? std::strerror(errno) : "cannot bind";
    throw ConfigError("--metrics-addr: cannot listen on " + addr + ": " + why);
  }
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    finished_ = true;
  });
}

MetricsServer::~MetricsServer() {
  // stop() before the accept loop has started is lost, and the loop would then run forever.
  while (!server_->is_running() && !finished_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace legion::cli
