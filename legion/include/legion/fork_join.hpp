#pragma once
// for_each_async: the asynchronous fork-join. `co_await for_each_async(&executor, n, make)` runs
// the tasks make(0) .. make(n-1) at once on the executor and resumes when all have finished;
// while they wait (for a model, a timer) they hold no thread, so n may far exceed the number of
// workers. The awaiting coroutine resumes on the thread that finished the last child.
//
// Contract:
// - make(i) is called on the awaiting thread, in index order, before any child may finish; each
//   child writes its own result (a slot by index), so nothing depends on finish order.
// - Every child runs to the end even when one fails; then the first failure (in time) is
//   rethrown to the awaiter.
// - Without an executor (nullptr) the children run one after another on the awaiting coroutine.
#include <atomic>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <utility>
#include <vector>

#include "legion/executor.hpp"
#include "legion/task.hpp"

namespace legion {

namespace detail {

// Counts children down; the last one to finish resumes the awaiter. Starts at children + 1: the
// awaiter's own decrement (in await_suspend) decides whether it needs to suspend at all.
class Join {
 public:
  explicit Join(std::size_t children) : pending_(children + 1) {}

  void fail(std::exception_ptr error) noexcept {
    if (!failed_.exchange(true, std::memory_order_acq_rel)) error_ = std::move(error);
  }
  std::coroutine_handle<> arrive() noexcept {
    return pending_.fetch_sub(1, std::memory_order_acq_rel) == 1 ? waiter_ : std::noop_coroutine();
  }

  bool await_ready() const noexcept { return false; }
  bool await_suspend(std::coroutine_handle<> waiter) noexcept {
    waiter_ = waiter;
    return pending_.fetch_sub(1, std::memory_order_acq_rel) != 1;
  }
  void await_resume() {
    if (failed_.load(std::memory_order_acquire)) std::rethrow_exception(std::move(error_));
  }

 private:
  std::atomic<std::size_t> pending_;
  std::coroutine_handle<> waiter_;
  std::exception_ptr error_;  // written once, by the child that set failed_
  std::atomic<bool> failed_{false};
};

// One child: awaits its task, reports to the Join, destroys itself, then hands the thread to the
// awaiter if it was the last (symmetric transfer: no stack growth, no extra hop).
struct JoinChild {
  struct promise_type : RecycledFrame {
    Join* join;
    promise_type(Task<void>&, Join& owner) noexcept : join(&owner) {}
    JoinChild get_return_object() noexcept {
      return {std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() noexcept { return {}; }
    struct Last {
      bool await_ready() const noexcept { return false; }
      std::coroutine_handle<> await_suspend(std::coroutine_handle<promise_type> self) noexcept {
        Join* join = self.promise().join;
        self.destroy();
        return join->arrive();
      }
      void await_resume() const noexcept {}
    };
    Last final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }  // the body catches everything
  };
  std::coroutine_handle<promise_type> handle;
};

inline JoinChild join_child(Task<void> task, Join& join) {
  try {
    co_await task;
  } catch (...) {
    join.fail(std::current_exception());
  }
}

}  // namespace detail

template <class Make>
Task<void> for_each_async(Executor* executor, std::size_t n, Make make) {
  if (executor == nullptr) {
    for (std::size_t i = 0; i < n; ++i) co_await make(i);
    co_return;
  }
  detail::Join join(n);
  std::vector<std::coroutine_handle<>> children;
  children.reserve(n);
  try {
    for (std::size_t i = 0; i < n; ++i) {
      children.push_back(detail::join_child(make(i), join).handle);
    }
  } catch (...) {
    for (std::coroutine_handle<> child : children) child.destroy();  // none has started
    throw;
  }
  executor->post(children);
  co_await join;
}

}  // namespace legion
