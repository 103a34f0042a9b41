#pragma once
// Scheduler: where a suspended coroutine resumes once what it waited for (a timer, a network
// transfer, its fork-join children) is done. Executor is one (the resumption becomes a job on its
// workers); sync_wait's loop is another (the waiting thread resumes it).
//
// Contract:
// - post() is thread-safe and never blocks on the coroutine; it may be called from a timer or I/O
//   thread, which must never run agent code itself.
// - current_scheduler() is the scheduler of the calling thread: set on an executor's workers and
//   inside sync_wait(); nullptr on any other thread. An operation that suspends captures it before
//   it suspends and posts the resumption there.
#include <coroutine>
#include <span>

namespace legion {

class Scheduler {
 public:
  virtual void post(std::coroutine_handle<> coroutine) = 0;
  // Several resumptions at once (a timer tick that expired many waits): one queue lock for all.
  virtual void post(std::span<const std::coroutine_handle<>> coroutines) {
    for (std::coroutine_handle<> coroutine : coroutines) post(coroutine);
  }

 protected:
  ~Scheduler() = default;
};

Scheduler* current_scheduler() noexcept;

// Makes `scheduler` current on this thread for the object's lifetime, then restores the previous.
class ScopedScheduler {
 public:
  explicit ScopedScheduler(Scheduler* scheduler) noexcept;
  ~ScopedScheduler();
  ScopedScheduler(const ScopedScheduler&) = delete;
  ScopedScheduler& operator=(const ScopedScheduler&) = delete;

 private:
  Scheduler* previous_;
};

}  // namespace legion
