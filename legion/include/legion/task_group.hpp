#pragma once
// Fork-join over an Executor: the fast path for many small tasks.
//
// Contract:
// - spawn() may be called by the owner of the group and by the group's own tasks (recursive
//   fork-join); spawning from unrelated threads concurrently with wait() is not supported.
// - wait() returns when every spawned task has finished. On a worker thread it runs other queued
//   tasks meanwhile, so nested groups never deadlock, even with a single worker. Then it rethrows
//   the first task exception (other tasks still run), or throws CancelledError if cancel() was
//   called. The thread that built the group is its owner, and only it waits: wait() on another
//   thread throws ConfigError (the owner keeps part of the count to itself until it waits, see
//   state_). The group may be reused after wait().
// - cancel() is final: tasks that have not started are skipped, running tasks finish (pass them a
//   CancellationToken to stop early).
// - The destructor waits for outstanding tasks and swallows their errors; destroying a group
//   with outstanding tasks on another thread than its owner terminates the process.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>

#include "legion/executor.hpp"

namespace legion {

class TaskGroup {
 public:
  explicit TaskGroup(Executor& executor);
  ~TaskGroup();
  TaskGroup(const TaskGroup&) = delete;
  TaskGroup& operator=(const TaskGroup&) = delete;

  template <class F>
  void spawn(F&& f);

  void wait();
  void cancel();
  bool cancelled() const;

 private:
  // state_ = pending tasks << 1 | kWaiterBit, as a two's-complement count. The bit tells the last
  // finishing task that a thread sleeps in wait() and must be woken; without it the last task
  // touches nothing after its decrement, so the waiter may destroy the group as soon as it sees
  // zero.
  //
  // The owner (the thread that built the group) counts its own spawns and the finishes of tasks
  // it runs itself in local_ and publishes the sum once, when it waits: the shared counter is
  // then written only by other threads' finishes, so it does not bounce between the owner's core
  // and a thief's on every task (it may dip below zero meanwhile; only the waiter reads it).
  static constexpr std::uint64_t kWaiterBit = 1;
  static constexpr std::uint64_t kOneTask = 2;

  // Other threads never read owner_waiting_: the id comparison fails first.
  bool counts_locally() const noexcept {
    return std::this_thread::get_id() == owner_ && !owner_waiting_;
  }
  void publish_local() noexcept;
  void finish_one() noexcept;
  void record_error(std::exception_ptr error) noexcept;
  void help_until_done();
  void block_until_done();

  Executor& executor_;
  const std::thread::id owner_ = std::this_thread::get_id();
  std::int64_t local_ = 0;      // owner only: spawns minus finishes not yet in state_
  bool owner_waiting_ = false;  // owner only: in wait(), when every count goes to state_
  std::atomic<std::uint64_t> state_{0};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> failed_{false};
  std::exception_ptr error_;  // written once, by the task that set failed_
  std::mutex mutex_;
  std::condition_variable done_cv_;
  bool done_ = false;  // guarded by mutex_
};

template <class F>
void TaskGroup::spawn(F&& f) {
  using Fn = std::decay_t<F>;
  detail::Job* job = detail::Job::make(
      [this, fn = std::optional<Fn>(std::in_place, std::forward<F>(f))]() mutable {
        if (!cancelled_.load(std::memory_order_acquire)) {
          try {
            std::invoke(*fn);
          } catch (...) {
            record_error(std::current_exception());
          }
        }
        // Release captures before the count drops: after that the waiter may return.
        fn.reset();
        finish_one();
      });
  if (counts_locally()) {
    ++local_;
  } else {
    state_.fetch_add(kOneTask, std::memory_order_relaxed);
  }
  executor_.schedule(job);
}

}  // namespace legion
