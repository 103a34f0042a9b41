#include "legion/detail/wait_loop.hpp"

#include <chrono>
#include <thread>

#include "legion/executor.hpp"

namespace legion::detail {
namespace {

// A worker that waits here and finds no job naps this long between looks: short next to a model
// call, long enough not to hold a core.
constexpr auto kHelperNap = std::chrono::microseconds(50);
constexpr int kHelperYieldRounds = 64;

}  // namespace

// Notify under the lock: once the waiter can see the coroutine it may resume it, finish and
// destroy this loop, so nothing of the loop may be touched after the unlock.
void WaitLoop::post(std::coroutine_handle<> coroutine) {
  std::lock_guard lock(mutex_);
  ready_.push_back(coroutine);
  ready_cv_.notify_one();
}

void WaitLoop::post(std::span<const std::coroutine_handle<>> coroutines) {
  std::lock_guard lock(mutex_);
  ready_.insert(ready_.end(), coroutines.begin(), coroutines.end());
  ready_cv_.notify_one();
}

void WaitLoop::finish() noexcept {
  std::lock_guard lock(mutex_);
  done_ = true;
  ready_cv_.notify_one();
}

void WaitLoop::run(std::coroutine_handle<> start) {
  const ScopedScheduler scope(this);
  start.resume();
  Executor* const pool = Executor::current_worker_owner();
  std::vector<std::coroutine_handle<>> batch;
  int idle = 0;
  std::unique_lock lock(mutex_);
  while (!done_) {
    if (!ready_.empty()) {
      batch.swap(ready_);
      lock.unlock();
      for (std::coroutine_handle<> coroutine : batch) coroutine.resume();
      batch.clear();
      idle = 0;
      lock.lock();
      continue;
    }
    if (pool == nullptr) {
      ready_cv_.wait(lock, [&] { return done_ || !ready_.empty(); });
      continue;
    }
    // On a worker: keep the pool's queued jobs moving (they may be what we wait for). They run
    // with the pool as their scheduler, so what they suspend resumes on the pool, not here.
    lock.unlock();
    bool ran = false;
    {
      const ScopedScheduler pool_scope(pool);
      ran = pool->run_one_job();
    }
    lock.lock();
    if (ran) {
      idle = 0;
    } else if (++idle < kHelperYieldRounds) {
      lock.unlock();
      std::this_thread::yield();
      lock.lock();
    } else {
      ready_cv_.wait_for(lock, kHelperNap, [&] { return done_ || !ready_.empty(); });
    }
  }
}

}  // namespace legion::detail
