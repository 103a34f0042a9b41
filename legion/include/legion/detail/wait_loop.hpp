#pragma once
// Internal to sync_wait: the calling thread's run loop, the Scheduler of the task it drives.
#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <mutex>
#include <span>
#include <vector>

#include "legion/scheduler.hpp"

namespace legion {
class Executor;
}

namespace legion::detail {

class WaitLoop final : public Scheduler {
 public:
  using Scheduler::post;
  void post(std::coroutine_handle<> coroutine) override;
  void post(std::span<const std::coroutine_handle<>> coroutines) override;
  // Starts `start` on this thread with this loop as its scheduler; returns after finish().
  void run(std::coroutine_handle<> start);
  // Called once, by the driven task as its very last action.
  void finish() noexcept;
  // The waiting thread's loop, if it is in run(): an executor that receives work from it
  // registers itself, so the waiting thread can run that work instead of only waiting for the
  // pool's wake-up (as TaskGroup::wait does from outside the pool).
  static WaitLoop* current() noexcept;
  void help(Executor& executor) noexcept { helped_ = &executor; }

 private:
  bool run_helped_job();
  Executor* helped_ = nullptr;  // waiting thread only
  std::mutex mutex_;
  std::condition_variable ready_cv_;
  std::vector<std::coroutine_handle<>> ready_;  // guarded by mutex_
  bool done_ = false;                           // guarded by mutex_
  // Set (under mutex_) by post() and finish(): the waiter polls it without the lock.
  std::atomic<bool> signalled_{false};
};

}  // namespace legion::detail
