// The timer thread: a min-heap of deadlines under one mutex, and one thread that waits for the
// earliest (a futex wait with an absolute CLOCK_MONOTONIC timeout: the kernel's hrtimer, the same
// precision a timerfd gives) and posts every expired timer's coroutine to its scheduler, grouped
// so a tick that expires a thousand waits takes the executor's queue lock once.
#include "legion/timer.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace legion {
namespace {

struct Entry {
  TimerService::Clock::time_point deadline;
  std::uint64_t sequence;  // ties fire in the order set
  std::coroutine_handle<> coroutine;
  Scheduler* scheduler;
  bool operator>(const Entry& other) const {
    return deadline != other.deadline ? deadline > other.deadline : sequence > other.sequence;
  }
};

}  // namespace

struct TimerService::Impl {
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;  // guarded by mutex
  std::uint64_t next_sequence = 0;                                      // guarded by mutex
  bool stopping = false;                                                // guarded by mutex
  std::thread thread;

  void run();
};

void TimerService::Impl::run() {
  std::vector<Entry> due;
  std::vector<std::coroutine_handle<>> batch;
  std::unique_lock lock(mutex);
  while (!stopping) {
    if (heap.empty()) {
      changed.wait(lock);
      continue;
    }
    const Clock::time_point deadline = heap.top().deadline;
    if (Clock::now() < deadline) {
      changed.wait_until(lock, deadline);
      continue;
    }
    const Clock::time_point now = Clock::now();
    while (!heap.empty() && heap.top().deadline <= now) {
      due.push_back(heap.top());
      heap.pop();
    }
    lock.unlock();
    // Consecutive timers of one scheduler go as one batch (usually all of them: one executor).
    for (std::size_t i = 0; i < due.size();) {
      Scheduler* scheduler = due[i].scheduler;
      for (; i < due.size() && due[i].scheduler == scheduler; ++i) {
        batch.push_back(due[i].coroutine);
      }
      scheduler->post(batch);
      batch.clear();
    }
    due.clear();
    lock.lock();
  }
}

TimerService::TimerService() : impl_(std::make_unique<Impl>()) {
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

TimerService::~TimerService() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->changed.notify_one();
  impl_->thread.join();
}

TimerService& TimerService::shared() {
  static TimerService service;
  return service;
}

void TimerService::resume_at(Clock::time_point deadline, std::coroutine_handle<> coroutine,
                             Scheduler& scheduler) {
  bool earliest = false;
  {
    std::lock_guard lock(impl_->mutex);
    earliest = impl_->heap.empty() || deadline < impl_->heap.top().deadline;
    impl_->heap.push(Entry{deadline, impl_->next_sequence++, coroutine, &scheduler});
  }
  // Only a new earliest deadline changes what the timer thread waits for.
  if (earliest) impl_->changed.notify_one();
}

std::size_t TimerService::pending() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->heap.size();
}

bool SleepAwaiter::await_suspend(std::coroutine_handle<> coroutine) {
  Scheduler* scheduler = current_scheduler();
  if (scheduler == nullptr) {
    std::this_thread::sleep_for(duration);
    return false;  // resume now, on this thread
  }
  TimerService::shared().resume_at(TimerService::Clock::now() + duration, coroutine, *scheduler);
  return true;
}

}  // namespace legion
