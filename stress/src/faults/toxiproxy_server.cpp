#include "toxiproxy_server.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "stress/fault.hpp"

extern char** environ;

namespace stress::faults {
namespace {

// Where scripts/setup puts it, then $LEGION_TOXIPROXY_SERVER, then PATH.
std::string find_binary() {
  if (const char* env = std::getenv("LEGION_TOXIPROXY_SERVER")) return env;
  const auto built =
      std::filesystem::path(LEGION_STRESS_SOURCE_DIR) / "build/tools/bin/toxiproxy-server";
  if (::access(built.c_str(), X_OK) == 0) return built.string();
  if (const char* path = std::getenv("PATH")) {
    std::string dirs = path;
    for (std::size_t start = 0; start <= dirs.size();) {
      const auto end = dirs.find(':', start);
      const auto dir = dirs.substr(start, end == std::string::npos ? end : end - start);
      const auto candidate = std::filesystem::path(dir) / "toxiproxy-server";
      if (!dir.empty() && ::access(candidate.c_str(), X_OK) == 0) return candidate.string();
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  throw EnvironmentMissing(
      "toxiproxy-server not found (scripts/setup builds it into build/tools/bin; or set "
      "LEGION_TOXIPROXY_SERVER)");
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  int port = 0;
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  if (fd >= 0) ::close(fd);
  if (port == 0) throw EnvironmentMissing("no free port on 127.0.0.1 for toxiproxy's API");
  return port;
}

std::size_t append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

}  // namespace

std::string url_address(const std::string& url) {
  const auto scheme = url.find("://");
  const auto begin = scheme == std::string::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?", begin);
  auto authority = url.substr(begin, end == std::string::npos ? end : end - begin);
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    authority = authority.substr(at + 1);
  }
  if (authority.find(':') == std::string::npos) authority += ":5432";
  return authority;
}

ToxiproxyServer::ToxiproxyServer(std::uint64_t seed, const std::filesystem::path& log)
    : binary_(find_binary()), port_(free_port()) {
  std::vector<std::string> args = {binary_,
                                   "-host",
                                   "127.0.0.1",
                                   "-port",
                                   std::to_string(port_),
                                   "-seed",
                                   std::to_string(seed & 0x7FFF'FFFF'FFFF'FFFFULL)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const int rc = posix_spawn(&pid_, binary_.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    pid_ = 0;
    throw EnvironmentMissing("cannot start " + binary_ + ": " + std::strerror(rc));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string last;
  for (;;) {
    try {
      version_ = request("GET", "/version").dump();
      return;
    } catch (const std::exception& e) {
      last = e.what();
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = 0;
      throw EnvironmentMissing(binary_ + " exited at start (see " + log.string() + ")");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = 0;
      throw EnvironmentMissing(binary_ + " did not answer on " + api() + " within 10 s: " + last);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

ToxiproxyServer::~ToxiproxyServer() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

nlohmann::json ToxiproxyServer::request(const std::string& method, const std::string& path,
                                        const nlohmann::json& body) const {
  CURL* curl = curl_easy_init();
  if (!curl) throw legion::Error("toxiproxy: curl_easy_init failed");
  const std::string url = "http://" + api() + path;
  const std::string payload = body.is_null() ? "" : body.dump();
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");  // 127.0.0.1 only: never an HTTP proxy
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  if (!body.is_null()) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    throw legion::Error("toxiproxy " + method + " " + path + ": " + curl_easy_strerror(rc));
  }
  if (status >= 300) {
    throw legion::Error("toxiproxy " + method + " " + path + ": HTTP " + std::to_string(status) +
                        ": " + response);
  }
  auto parsed = nlohmann::json::parse(response, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json(response) : parsed;
}

std::string ToxiproxyServer::create_proxy(const std::string& name, const std::string& listen,
                                          const std::string& upstream) {
  const auto r =
      request("POST", "/proxies",
              {{"name", name}, {"listen", listen}, {"upstream", upstream}, {"enabled", true}});
  return r.value("listen", listen);
}

void ToxiproxyServer::add_toxic(const std::string& proxy, const std::string& toxic,
                                const std::string& type, const std::string& stream,
                                const nlohmann::json& attributes) {
  request("POST", "/proxies/" + proxy + "/toxics",
          {{"name", toxic},
           {"type", type},
           {"stream", stream},
           {"toxicity", 1.0},
           {"attributes", attributes}});
}

void ToxiproxyServer::remove_toxic(const std::string& proxy, const std::string& toxic) {
  request("DELETE", "/proxies/" + proxy + "/toxics/" + toxic);
}

void ToxiproxyServer::set_enabled(const std::string& proxy, bool enabled) {
  request("POST", "/proxies/" + proxy, {{"enabled", enabled}});
}

}  // namespace stress::faults
