#pragma once
// Internal to sync_wait: the calling thread's run loop, the Scheduler of the task it drives.
#include <condition_variable>
#include <coroutine>
#include <mutex>
#include <span>
#include <vector>

#include "legion/scheduler.hpp"

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

 private:
  std::mutex mutex_;
  std::condition_variable ready_cv_;
  std::vector<std::coroutine_handle<>> ready_;  // guarded by mutex_
  bool done_ = false;                           // guarded by mutex_
};

}  // namespace legion::detail
