#pragma once
// A toxiproxy-server (github.com/Shopify/toxiproxy v2.5.0, built by scripts/setup into
// build/tools/bin) of our own for one run: its API on 127.0.0.1 and a free port, driven over
// HTTP (libcurl). Proxies forward TCP to the database; toxics break them (reset_peer, timeout,
// limit_data); disabling a proxy closes its connections and refuses new ones ("down").
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace stress::faults {

class ToxiproxyServer {
 public:
  // Throws EnvironmentMissing when there is no toxiproxy-server or it does not come up.
  ToxiproxyServer(std::uint64_t seed, const std::filesystem::path& log);
  ~ToxiproxyServer();  // SIGTERM, then waits
  ToxiproxyServer(const ToxiproxyServer&) = delete;
  ToxiproxyServer& operator=(const ToxiproxyServer&) = delete;

  // Returns the address it listens on (host:port; listen "127.0.0.1:0" picks a free port).
  std::string create_proxy(const std::string& name, const std::string& listen,
                           const std::string& upstream);
  void add_toxic(const std::string& proxy, const std::string& toxic, const std::string& type,
                 const std::string& stream, const nlohmann::json& attributes);
  void remove_toxic(const std::string& proxy, const std::string& toxic);
  void set_enabled(const std::string& proxy, bool enabled);

  const std::string& binary() const { return binary_; }
  const std::string& version() const { return version_; }
  std::string api() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  nlohmann::json request(const std::string& method, const std::string& path,
                         const nlohmann::json& body = nullptr) const;

  std::string binary_, version_;
  int port_ = 0;
  pid_t pid_ = 0;
};

// host:port of a postgresql:// URL.
std::string url_address(const std::string& url);

}  // namespace stress::faults
