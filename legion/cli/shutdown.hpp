#pragma once
// How a long-running command (`legion worker`) is told to stop, in one place: SIGTERM and
// SIGINT request a graceful stop (a second one makes it immediate), SIGHUP is reported and
// changes nothing. Whatever waits on work (the worker loop, a store retry) reads the one
// flag; whatever bounds the stop reads the one deadline.
//
// The signals are taken by a thread of their own with sigtimedwait() instead of handlers, so
// the reaction may log, lock and talk to the store. SignalWatcher blocks them in the
// constructing thread, which must create it before starting any other thread (threads
// inherit the mask), and restores the mask when destroyed.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace legion::cli {

class Shutdown {
 public:
  using Clock = std::chrono::steady_clock;

  // A graceful stop with `grace` to finish; a later request only moves the deadline nearer.
  void request(std::chrono::milliseconds grace, const std::string& reason);
  bool requested() const { return stop_.load(); }
  // The flag the worker loop polls (WorkerOptions::stop).
  const std::atomic<bool>* flag() const { return &stop_; }
  std::optional<Clock::time_point> deadline() const;
  std::string reason() const;

  // Blocks until `done()` holds (re-checked on notify()) or the deadline passes; true when
  // done. Without a stop request it waits for done() alone.
  bool wait(const std::function<bool()>& done);
  void notify();

 private:
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Clock::time_point> deadline_;
  std::string reason_;
};

class SignalWatcher {
 public:
  struct Handlers {
    std::function<void(int signal, int count)> on_stop;  // SIGTERM / SIGINT, counted together
    std::function<void()> on_hangup;                     // SIGHUP
  };
  explicit SignalWatcher(Handlers handlers);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  Handlers handlers_;
  sigset_t watched_{};
  sigset_t previous_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace legion::cli
