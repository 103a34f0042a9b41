#pragma once
// Task<T>: the runtime's coroutine type, how an asynchronous operation (a model call, a tool, an
// agent run, a pattern) is written and composed.
//
// Contract:
// - Lazy: calling a coroutine that returns Task<T> runs nothing; `co_await task` starts it on the
//   awaiting thread and resumes the awaiter when it finishes (symmetric transfer: no thread hop, no
//   queueing, no stack growth). sync_wait() (sync_wait.hpp) drives one from plain code;
//   Executor::spawn and for_each_async (fork_join.hpp) start them on an executor.
// - A Task is awaited at most once (move-only); its result (or exception) is taken by the awaiter.
//   Destroying a Task that never started destroys the coroutine unrun.
// - Where a task resumes after it waited for something outside (a timer, a network transfer): on
//   the Scheduler that was current when it suspended (scheduler.hpp), never on the thread that
//   completed the wait. So a coroutine started on an executor stays on that executor.
// - Parameters: a coroutine keeps references it was given, so reference parameters (a request, a
//   conversation, the Agent and Model themselves) must outlive the task; awaiting the task in the
//   same full-expression that created it, as the runtime does everywhere, guarantees that.
// - Frames come from a per-thread free list (task_frame.cpp): a step of an agent allocates
//   several, and malloc per frame showed up next to microsecond-scale patterns.
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace legion {

template <class T = void>
class Task;

namespace detail {

void* allocate_frame(std::size_t size);
void free_frame(void* frame, std::size_t size) noexcept;

// The allocation policy every runtime coroutine shares.
struct RecycledFrame {
  static void* operator new(std::size_t size) { return allocate_frame(size); }
  static void operator delete(void* frame, std::size_t size) noexcept { free_frame(frame, size); }
};

struct PromiseBase : RecycledFrame {
  std::coroutine_handle<> continuation = std::noop_coroutine();
  std::exception_ptr error;

  std::suspend_always initial_suspend() noexcept { return {}; }
  struct FinalAwaiter {
    bool await_ready() noexcept { return false; }
    template <class Promise>
    std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> self) noexcept {
      return self.promise().continuation;
    }
    void await_resume() noexcept {}
  };
  FinalAwaiter final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
  void rethrow_if_failed() {
    if (error) std::rethrow_exception(std::exchange(error, nullptr));
  }
};

template <class T>
struct Promise : PromiseBase {
  std::optional<T> value;
  Task<T> get_return_object() noexcept;
  template <class U>
  void return_value(U&& result) {
    value.emplace(std::forward<U>(result));
  }
  T take() {
    rethrow_if_failed();
    return std::move(*value);
  }
};

template <>
struct Promise<void> : PromiseBase {
  Task<void> get_return_object() noexcept;
  void return_void() noexcept {}
  void take() { rethrow_if_failed(); }
};

}  // namespace detail

template <class T>
class [[nodiscard]] Task {
 public:
  using promise_type = detail::Promise<T>;
  using Handle = std::coroutine_handle<promise_type>;

  Task() = default;
  explicit Task(Handle handle) noexcept : handle_(handle) {}
  Task(Task&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Task& operator=(Task&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool valid() const noexcept { return static_cast<bool>(handle_); }

  struct Awaiter {
    Handle handle;
    bool await_ready() const noexcept { return false; }
    std::coroutine_handle<> await_suspend(std::coroutine_handle<> awaiting) noexcept {
      handle.promise().continuation = awaiting;
      return handle;  // start the task on this thread
    }
    T await_resume() { return handle.promise().take(); }
  };
  Awaiter operator co_await() & noexcept { return Awaiter{handle_}; }
  Awaiter operator co_await() && noexcept { return Awaiter{handle_}; }

 private:
  Handle handle_;
};

namespace detail {

template <class T>
Task<T> Promise<T>::get_return_object() noexcept {
  return Task<T>(std::coroutine_handle<Promise<T>>::from_promise(*this));
}

inline Task<void> Promise<void>::get_return_object() noexcept {
  return Task<void>(std::coroutine_handle<Promise<void>>::from_promise(*this));
}

}  // namespace detail

}  // namespace legion
