#include "shutdown.hpp"

#include <pthread.h>

namespace legion::cli {

void Shutdown::request(std::chrono::milliseconds grace, const std::string& reason) {
  {
    std::lock_guard lock(mutex_);
    auto at = Clock::now() + grace;
    if (!deadline_ || at < *deadline_) deadline_ = at;
    if (reason_.empty()) reason_ = reason;
    stop_ = true;
  }
  changed_.notify_all();
}

std::optional<Shutdown::Clock::time_point> Shutdown::deadline() const {
  std::lock_guard lock(mutex_);
  return deadline_;
}

std::string Shutdown::reason() const {
  std::lock_guard lock(mutex_);
  return reason_;
}

void Shutdown::notify() {
  { std::lock_guard lock(mutex_); }  // a waiter between its check and its wait sees the change
  changed_.notify_all();
}

bool Shutdown::wait(const std::function<bool()>& done) {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (done()) return true;
    if (deadline_) {
      if (Clock::now() >= *deadline_) return false;
      changed_.wait_until(lock, *deadline_);
    } else {
      changed_.wait(lock);
    }
  }
}

SignalWatcher::SignalWatcher(Handlers handlers) : handlers_(std::move(handlers)) {
  sigemptyset(&watched_);
  sigaddset(&watched_, SIGINT);
  sigaddset(&watched_, SIGTERM);
  sigaddset(&watched_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &watched_, &previous_);
  thread_ = std::thread([this] {
    int stops = 0;
    const timespec tick{0, 100'000'000};  // 100 ms: how soon the destructor is noticed
    while (!done_.load()) {
      int signal = sigtimedwait(&watched_, nullptr, &tick);
      if (signal == SIGHUP) {
        if (handlers_.on_hangup) handlers_.on_hangup();
      } else if (signal == SIGINT || signal == SIGTERM) {
        if (handlers_.on_stop) handlers_.on_stop(signal, ++stops);
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_ = true;
  thread_.join();
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

}  // namespace legion::cli
