#pragma once
// sync_wait: runs a Task to completion from plain (non-coroutine) code and returns its result or
// rethrows its exception. It is how the runtime's synchronous API wraps the asynchronous one.
//
// Contract:
// - The task starts on the calling thread; while it waits for something outside (a timer, a
//   transfer) the calling thread blocks, and resumes the task itself when the wait is over
//   (the calling thread is the task's Scheduler, see scheduler.hpp). Work the task hands to an
//   executor runs there; the task may finish on one of its workers.
// - On one of an executor's own workers the calling thread does not just block: it runs that
//   executor's queued jobs while it waits, so a worker in sync_wait cannot starve the children
//   it waits for (the same rule as TaskGroup::wait).
// - A synchronous call blocks its thread for the whole operation, model latency included. Code
//   that must not hold a thread while a model call waits uses the *_async functions directly.
#include <coroutine>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "legion/detail/wait_loop.hpp"
#include "legion/task.hpp"

namespace legion {

namespace detail {

// A coroutine nobody awaits: it destroys itself when it ends.
struct DetachedTask {
  struct promise_type : RecycledFrame {
    DetachedTask get_return_object() noexcept {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }  // bodies catch everything
  };
  std::coroutine_handle<promise_type> handle;
};

template <class T>
struct SyncResult {
  std::optional<T> value;
  std::exception_ptr error;
  T take() {
    if (error) std::rethrow_exception(error);
    return std::move(*value);
  }
};

template <>
struct SyncResult<void> {
  std::exception_ptr error;
  void take() {
    if (error) std::rethrow_exception(error);
  }
};

template <class T>
DetachedTask drive(Task<T>& task, WaitLoop& loop, SyncResult<T>& out) {
  try {
    if constexpr (std::is_void_v<T>) {
      co_await task;
    } else {
      out.value.emplace(co_await task);
    }
  } catch (...) {
    out.error = std::current_exception();
  }
  loop.finish();  // the last thing that touches the waiter's state
}

}  // namespace detail

template <class T>
T sync_wait(Task<T> task) {
  detail::WaitLoop loop;
  detail::SyncResult<T> out;
  loop.run(detail::drive(task, loop, out).handle);
  return out.take();
}

}  // namespace legion
