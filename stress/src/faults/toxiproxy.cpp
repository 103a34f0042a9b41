// db_connection_loss: the system reaches PostgreSQL through a toxiproxy of its own (the
// harness's reads go direct). Faults: reset_peer (every connection reset as soon as data
// flows, new ones too), blackhole (toxiproxy's `timeout` toxic with timeout 0: data vanishes,
// nothing is answered, the connection stays open: only the clients' I/O timeout notices),
// down (the proxy disabled: connections closed, new ones refused), limit_data (each
// connection cut after `bytes` of replies: mid-statement, mid-commit, so the outcome of a
// COMMIT is in doubt and the retry must resolve it by idempotency key and lease token).
#include <memory>

#include "injectors.hpp"
#include "toxiproxy_server.hpp"

namespace stress::faults {
namespace {

// Clients give up on a silent connection after this and retry on a new one; the recovery
// after a blackhole is bounded by it.
constexpr int kIoTimeoutMs = 1000;

class Toxiproxy final : public FaultInjector {
 public:
  const char* name() const override { return "toxiproxy"; }

  void prepare(FaultContext& context) override {
    server_ = std::make_unique<ToxiproxyServer>(context.seed, context.work_dir / "toxiproxy.log");
    upstream_ = url_address(context.pg_url);
    context.client_address = server_->create_proxy("pg", "127.0.0.1:0", upstream_);
    listen_ = context.client_address;
    context.client_params.push_back("io_timeout_ms=" + std::to_string(kIoTimeoutMs));
    context.client_params.push_back("connect_timeout=2");
  }

  void inject(FaultContext&, const ScheduledFault& fault) override {
    const auto& type = fault.spec.type;
    const std::string toxic = type + "_" + std::to_string(fault.index);
    if (type == "down") {
      server_->set_enabled("pg", false);
    } else if (type == "reset_peer") {
      server_->add_toxic("pg", toxic, "reset_peer", "upstream", {{"timeout", 0}});
    } else if (type == "blackhole") {
      server_->add_toxic("pg", toxic + "_up", "timeout", "upstream", {{"timeout", 0}});
      server_->add_toxic("pg", toxic, "timeout", "downstream", {{"timeout", 0}});
    } else if (type == "limit_data") {
      server_->add_toxic("pg", toxic, "limit_data", "downstream", {{"bytes", fault.spec.bytes}});
    }
    used_.push_back(type);
  }

  void heal(FaultContext&, const ScheduledFault& fault) override {
    const auto& type = fault.spec.type;
    const std::string toxic = type + "_" + std::to_string(fault.index);
    if (type == "down") {
      server_->set_enabled("pg", true);
      return;
    }
    if (type == "blackhole") server_->remove_toxic("pg", toxic + "_up");
    server_->remove_toxic("pg", toxic);
  }

  nlohmann::json describe() const override {
    nlohmann::json j = {{"method", "toxiproxy-server between the clients and PostgreSQL"},
                        {"client_io_timeout_ms", kIoTimeoutMs},
                        {"faults", used_}};
    if (server_) {
      j["binary"] = server_->binary();
      j["version"] = nlohmann::json::parse(server_->version(), nullptr, false);
      j["api"] = server_->api();
      j["listen"] = listen_;
      j["upstream"] = upstream_;
    }
    return j;
  }

 private:
  std::unique_ptr<ToxiproxyServer> server_;
  std::string upstream_, listen_;
  std::vector<std::string> used_;
};

}  // namespace

std::unique_ptr<FaultInjector> make_toxiproxy() {
  return std::make_unique<Toxiproxy>();
}

}  // namespace stress::faults
