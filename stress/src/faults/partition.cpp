// partition (network_partition): every worker process runs in a network namespace of its own,
// joined to the host by a veth pair, and reaches PostgreSQL through a toxiproxy listening on
// the host end of its pair (the server itself listens on 127.0.0.1 only). A partition takes
// the namespace's end of the link down for the fault's duration: the worker's connection goes
// silent, its leases expire, the other workers take its tasks over; once healed it reconnects,
// and whatever it still tries to commit for those tasks must be fenced (rejected by lease
// token), never applied twice. Needs root (namespaces, links): otherwise an environment
// verdict. Traffic stays on this machine, inside namespaces the run made.
#include <unistd.h>

#include "command.hpp"
#include "injectors.hpp"
#include "toxiproxy_server.hpp"

namespace stress::faults {
namespace {

constexpr int kIoTimeoutMs = 1000;

class Partition final : public FaultInjector {
 public:
  const char* name() const override { return "netns_partition"; }

  void prepare(FaultContext& context) override {
    if (::geteuid() != 0) {
      throw EnvironmentMissing("network namespaces and veth links need root (euid " +
                               std::to_string(::geteuid()) + ")");
    }
    require_command({"ip", "-V"}, "iproute2 (`ip`) for network namespaces");
    server_ = std::make_unique<ToxiproxyServer>(context.seed, context.work_dir / "toxiproxy.log");
    const std::string upstream = url_address(context.pg_url);
    const int pid = static_cast<int>(::getpid());
    subnet_ = "10.231." + std::to_string(20 + pid % 200) + ".";
    for (int i = 0; i < context.config.workers; ++i) {
      Link link;
      link.ns = "legion-stress-" + std::to_string(pid) + "-w" + std::to_string(i);
      link.host = "lgs" + std::to_string(pid % 100000) + "h" + std::to_string(i);
      link.inner = "lgs" + std::to_string(pid % 100000) + "n" + std::to_string(i);
      link.host_ip = subnet_ + std::to_string(4 * i + 1);
      const std::string inner_ip = subnet_ + std::to_string(4 * i + 2);
      const std::string needs = "a network namespace joined by a veth pair";
      require_command({"ip", "netns", "add", link.ns}, needs);
      links_.push_back(link);  // from here on the destructor removes it
      require_command({"ip", "link", "add", link.host, "type", "veth", "peer", "name", link.inner,
                       "netns", link.ns},
                      needs);
      require_command({"ip", "addr", "add", link.host_ip + "/30", "dev", link.host}, needs);
      require_command({"ip", "link", "set", link.host, "up"}, needs);
      require_command({"ip", "-n", link.ns, "addr", "add", inner_ip + "/30", "dev", link.inner},
                      needs);
      require_command({"ip", "-n", link.ns, "link", "set", link.inner, "up"}, needs);
      require_command({"ip", "-n", link.ns, "link", "set", "lo", "up"}, needs);
      links_.back().listen =
          server_->create_proxy("worker" + std::to_string(i), link.host_ip + ":0", upstream);
    }
    context.client_params.push_back("io_timeout_ms=" + std::to_string(kIoTimeoutMs));
    context.client_params.push_back("connect_timeout=2");
    context.launch.prefix = [this](int i) {
      return std::vector<std::string>{"ip", "netns", "exec",
                                      links_.at(static_cast<std::size_t>(i)).ns};
    };
    context.launch.store_url = [this, &context](int i) {
      return with_address(context.client_url, links_.at(static_cast<std::size_t>(i)).listen);
    };
  }

  void inject(FaultContext&, const ScheduledFault& fault) override { set_links(fault, "down"); }
  void heal(FaultContext&, const ScheduledFault& fault) override { set_links(fault, "up"); }

  void finish(FaultContext& context, nlohmann::json&) override {
    for (const auto& e : context.events.events()) takeovers_ += e.kind == "lease_takeover";
  }

  nlohmann::json describe() const override {
    auto links = nlohmann::json::array();
    for (const auto& l : links_) {
      links.push_back({{"netns", l.ns}, {"veth", l.host + "/" + l.inner}, {"proxy", l.listen}});
    }
    return {{"method", "worker processes in network namespaces; partition = the veth link down"},
            {"client_io_timeout_ms", kIoTimeoutMs},
            {"links", links},
            {"lease_takeovers_seen", takeovers_}};
  }

  ~Partition() override {
    for (const auto& l : links_) run_command({"ip", "netns", "del", l.ns});  // takes the pair
  }

 private:
  struct Link {
    std::string ns, host, inner, host_ip, listen;
  };

  void set_links(const ScheduledFault& fault, const char* state) {
    for (int t : fault.targets) {
      const auto& l = links_.at(static_cast<std::size_t>(t));
      const std::vector<std::string> command = {"ip", "-n", l.ns, "link", "set", l.inner, state};
      const auto r = run_command(command);
      if (!r.ok()) throw legion::Error("`" + command_text(command) + "` failed: " + r.output);
    }
  }

  std::unique_ptr<ToxiproxyServer> server_;
  std::string subnet_;
  std::vector<Link> links_;
  int takeovers_ = 0;
};

}  // namespace

std::unique_ptr<FaultInjector> make_partition() {
  return std::make_unique<Partition>();
}

}  // namespace stress::faults
