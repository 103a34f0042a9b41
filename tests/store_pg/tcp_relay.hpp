#pragma once
// A TCP relay on 127.0.0.1 in front of a server, which can turn into a blackhole: it keeps
// every connection open but drops whatever passes, as a middlebox or a network that died
// silently would (no FIN, no RST). Test helper for the client's I/O timeout.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

namespace legion::store::testing {

class TcpRelay {
 public:
  explicit TcpRelay(int upstream_port) : upstream_(upstream_port) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    // A relay that is not listening would make the test it serves fail far from the cause.
    if (listener_ < 0 ||
        ::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(listener_, 16) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::system_error(errno, std::generic_category(), "tcp relay: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    accepter_ = std::thread([this] { accept_loop(); });
  }
  ~TcpRelay() { close_all(); }

  int port() const { return port_; }
  void blackhole(bool on) { blackhole_ = on; }
  // Closes every socket: a call stuck on one fails instead of waiting.
  void close_all() {
    stop_ = true;
    if (accepter_.joinable()) accepter_.join();
    std::vector<std::thread> pumps;
    {
      std::lock_guard lock(mutex_);
      pumps.swap(pumps_);
    }
    for (auto& t : pumps) t.join();
    if (listener_ >= 0) ::close(listener_);
    listener_ = -1;
  }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    return a;
  }

  void accept_loop() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in address = loopback(upstream_);
      if (::connect(server, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(client);
        ::close(server);
        continue;
      }
      std::lock_guard lock(mutex_);
      pumps_.emplace_back([this, client, server] { pump(client, server); });
    }
  }

  void pump(int a, int b) {
    char buffer[8192];
    pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
    while (!stop_) {
      if (::poll(fds, 2, 50) <= 0) continue;
      bool closed = false;
      for (int i = 0; i < 2 && !closed; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (n <= 0) {
          closed = true;
        } else if (!blackhole_) {
          ::send(fds[1 - i].fd, buffer, static_cast<std::size_t>(n), MSG_NOSIGNAL);
        }
      }
      if (closed) break;
    }
    ::close(a);
    ::close(b);
  }

  int upstream_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false}, blackhole_{false};
  std::thread accepter_;
  std::mutex mutex_;
  std::vector<std::thread> pumps_;
};

}  // namespace legion::store::testing
