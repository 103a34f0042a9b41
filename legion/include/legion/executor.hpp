#pragma once
// The executor: a work-stealing thread pool running futures, fork-join groups (TaskGroup,
// task_group.hpp) and task graphs.
//
// Contract:
// - Each worker owns a deque; work submitted by a worker goes to its own deque, work submitted by
//   any other thread goes to a shared injection queue. Idle workers steal, then up to half of
//   them spin briefly, then they sleep; a submitter pays for a wake-up only when no worker spins
//   and one sleeps, and only one wake-up is in flight at a time (the woken worker passes it on
//   when it finds more work).
// - async() returns a future that rethrows the task's exception; silent_async() discards the result
//   and any exception.
// - run(graph): see task_graph.hpp; every failure (task exception, CancelledError, ConfigError for
// a
//   cycle or a graph that is already running) is reported through the returned future.
// - ~Executor runs all queued work (including work that work spawns), then joins. It must not be
//   called from one of its own workers, nor while other threads still submit.
// - A task that blocks on a future of the same executor can deadlock it; use a TaskGroup, whose
//   wait() runs other tasks instead of blocking.
// - ThreadSanitizer note: with Debian's uninstrumented libstdc++, reading the message of an
//   exception obtained from future::get() may be reported as a race (the worker can free the
//   exception after get() released the state; the exception's reference count lives inside
//   libstdc++ where TSan cannot see it). TaskGroup::wait() rethrows on the waiting thread, which
//   then holds the last reference, so it has no such report.
#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "legion/cancellation.hpp"
#include "legion/detail/job.hpp"
#include "legion/scheduler.hpp"
#include "legion/task.hpp"
#include "legion/task_graph.hpp"

namespace legion {

namespace detail {
class WaitLoop;
}

class Executor final : public Scheduler {
 public:
  // 0 -> std::thread::hardware_concurrency(). Throws Error (the threads it started joined)
  // when the system refuses a thread.
  explicit Executor(std::size_t workers = 0);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  std::size_t num_workers() const;

  template <class F>
  auto async(F&& f) -> std::future<std::invoke_result_t<std::decay_t<F>>>;

  template <class F>
  void silent_async(F&& f);

  std::future<void> run(TaskGraph& graph);

  bool on_worker_thread() const;

  // Scheduler: resumes the coroutines as jobs on the workers (a worker's own deque when posted
  // from one of them, the injection queue otherwise). Workers have this executor as their
  // current_scheduler(), so a coroutine that runs here resumes here after every wait.
  using Scheduler::post;
  void post(std::coroutine_handle<> coroutine) override;
  void post(std::span<const std::coroutine_handle<>> coroutines) override;

  // Starts `task` on a worker and forgets it: nobody awaits it, its result is dropped, and an
  // exception it lets escape terminates the process (like an exception leaving a std::thread).
  // For tasks that report through their own state; to wait for tasks use for_each_async.
  void spawn(Task<void> task);

 private:
  friend class TaskGroup;
  friend class TaskGraph;
  friend class detail::WaitLoop;
  struct Impl;

  // The executor whose worker the calling thread is, or nullptr.
  static Executor* current_worker_owner() noexcept;

  void schedule(detail::Job* job);  // takes ownership
  // Worker threads only: runs one queued job (own deque first, then stealing); false if none.
  bool run_one_job();
  // Any thread: runs one job submitted from outside the pool; false if none. Lets an external
  // waiter work instead of sleeping while workers wake up (as TBB's task_group::wait does).
  bool run_one_injected_job();

  std::unique_ptr<Impl> impl_;
};

template <class F>
auto Executor::async(F&& f) -> std::future<std::invoke_result_t<std::decay_t<F>>> {
  using Fn = std::decay_t<F>;
  using R = std::invoke_result_t<Fn>;
  std::promise<R> promise;
  std::future<R> future = promise.get_future();
  // The callable is destroyed before the future becomes ready, so whatever it captured is released
  // by the time the caller sees the result.
  schedule(detail::Job::make([promise = std::move(promise),
                              fn = std::optional<Fn>(std::in_place, std::forward<F>(f))]() mutable {
    try {
      if constexpr (std::is_void_v<R>) {
        std::invoke(*fn);
        fn.reset();
        promise.set_value();
      } else {
        R result = std::invoke(*fn);
        fn.reset();
        promise.set_value(std::forward<R>(result));
      }
    } catch (...) {
      fn.reset();
      promise.set_exception(std::current_exception());
    }
  }));
  return future;
}

template <class F>
void Executor::silent_async(F&& f) {
  schedule(detail::Job::make([fn = std::decay_t<F>(std::forward<F>(f))]() mutable {
    try {
      std::invoke(fn);
    } catch (...) {  // silent by contract: there is nobody to report to
    }
  }));
}

}  // namespace legion
