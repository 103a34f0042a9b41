#include "legion/detail/wait_loop.hpp"

#include <chrono>
#include <thread>

#include "legion/detail/cpu_relax.hpp"
#include "legion/executor.hpp"

namespace legion::detail {
namespace {

// A worker that waits here and finds no job naps this long between looks: short next to a model
// call, long enough not to hold a core.
constexpr auto kHelperNap = std::chrono::microseconds(50);
constexpr int kHelperYieldRounds = 64;
// A thread outside any pool polls this many rounds before it sleeps: a pattern without model
// latency finishes in microseconds, sooner than a kernel wake-up (tens on a VM).
constexpr int kExternalSpinRounds = 2000;

thread_local WaitLoop* t_loop = nullptr;

}  // namespace

WaitLoop* WaitLoop::current() noexcept {
  return t_loop;
}

// Runs one job that this thread handed to the executor (or anyone did, from outside): with the
// pool as its scheduler, so what it suspends resumes on the pool, not here.
bool WaitLoop::run_helped_job() {
  if (helped_ == nullptr) return false;
  const ScopedScheduler pool_scope(helped_);
  return helped_->run_one_injected_job();
}

// Notify under the lock: once the waiter can see the coroutine it may resume it, finish and
// destroy this loop, so nothing of the loop may be touched after the unlock.
void WaitLoop::post(std::coroutine_handle<> coroutine) {
  std::lock_guard lock(mutex_);
  ready_.push_back(coroutine);
  signalled_.store(true, std::memory_order_release);
  ready_cv_.notify_one();
}

void WaitLoop::post(std::span<const std::coroutine_handle<>> coroutines) {
  std::lock_guard lock(mutex_);
  ready_.insert(ready_.end(), coroutines.begin(), coroutines.end());
  signalled_.store(true, std::memory_order_release);
  ready_cv_.notify_one();
}

void WaitLoop::finish() noexcept {
  std::lock_guard lock(mutex_);
  done_ = true;
  signalled_.store(true, std::memory_order_release);
  ready_cv_.notify_one();
}

// Waits for posts and the end, meanwhile running work the wait depends on: on a worker, the
// pool's jobs; outside, the jobs this thread handed to an executor. Between looks it polls a
// flag (no lock), then yields, then sleeps: a short pattern ends before a kernel wake-up would.
void WaitLoop::run(std::coroutine_handle<> start) {
  const ScopedScheduler scope(this);
  WaitLoop* const outer = t_loop;
  t_loop = this;
  start.resume();
  Executor* const pool = Executor::current_worker_owner();
  const int spin_limit = pool == nullptr ? kExternalSpinRounds : kHelperYieldRounds;
  std::vector<std::coroutine_handle<>> batch;
  int idle = 0;
  while (true) {
    if (!signalled_.load(std::memory_order_acquire) && idle < spin_limit) {
      bool ran = false;
      if (pool != nullptr) {
        const ScopedScheduler pool_scope(pool);
        ran = pool->run_one_job();
      } else {
        ran = run_helped_job();
      }
      if (ran) {
        idle = 0;
      } else if (++idle % 64 == 0 || pool != nullptr) {
        std::this_thread::yield();
      } else {
        cpu_relax();
      }
      continue;
    }
    {
      std::unique_lock lock(mutex_);
      if (ready_.empty() && !done_) {
        const auto signalled = [&] { return done_ || !ready_.empty(); };
        if (pool == nullptr) {
          ready_cv_.wait(lock, signalled);
        } else {
          ready_cv_.wait_for(lock, kHelperNap, signalled);  // then look at the pool again
        }
      }
      batch.swap(ready_);
      signalled_.store(false, std::memory_order_relaxed);
      if (batch.empty() && done_) break;
      idle = batch.empty() ? spin_limit / 2 : 0;
    }
    for (std::coroutine_handle<> coroutine : batch) coroutine.resume();
    batch.clear();
  }
  t_loop = outer;
}

}  // namespace legion::detail
