#pragma once
// Timers for coroutines: `co_await sleep_for(d)` suspends the calling coroutine for `d` without
// holding any thread; the process's one timer thread posts the resumption to the coroutine's
// Scheduler (scheduler.hpp) when the deadline passes. This is how the simulated model serves its
// latency to asynchronous callers: a thousand agents waiting 20 ms cost one sleeping thread, not
// a thousand.
//
// Contract:
// - TimerService::shared() starts the timer thread on first use and joins it at process exit;
//   timers still pending then are dropped (their coroutines never resume).
// - A deadline that has passed resumes at once (through the scheduler, never inline on the timer
//   thread). Timers with equal deadlines fire in the order they were set.
// - Precision: the kernel's timer slack (50 us by default) plus a scheduler hop.
// - Called where no scheduler is current (a coroutine resumed by hand on a plain thread),
//   sleep_for blocks the calling thread instead: there is nowhere else to resume it.
#include <chrono>
#include <coroutine>
#include <memory>

#include "legion/scheduler.hpp"

namespace legion {

class TimerService {
 public:
  using Clock = std::chrono::steady_clock;

  TimerService();
  ~TimerService();
  TimerService(const TimerService&) = delete;
  TimerService& operator=(const TimerService&) = delete;

  static TimerService& shared();

  // Posts `coroutine` to `scheduler` once `deadline` has passed. Thread-safe.
  void resume_at(Clock::time_point deadline, std::coroutine_handle<> coroutine,
                 Scheduler& scheduler);

  std::size_t pending() const;  // timers set and not yet fired (for tests)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct SleepAwaiter {
  std::chrono::nanoseconds duration;
  bool await_ready() const noexcept { return duration.count() <= 0; }
  bool await_suspend(std::coroutine_handle<> coroutine);
  void await_resume() const noexcept {}
};

inline SleepAwaiter sleep_for(std::chrono::nanoseconds duration) {
  return SleepAwaiter{duration};
}

}  // namespace legion
