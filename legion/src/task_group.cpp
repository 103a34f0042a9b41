#include "legion/task_group.hpp"

#include <chrono>
#include <thread>

#include "legion/error.hpp"

namespace legion {
namespace {

// An external waiter spins this long before sleeping: a batch of small tasks usually finishes
// sooner than a kernel wake-up would take.
constexpr int kExternalSpinRounds = 2000;
// A helping worker that finds nothing to run yields, and after this many idle rounds naps, so a
// long task elsewhere does not cost a whole core.
constexpr int kHelperYieldRounds = 256;

}  // namespace

TaskGroup::TaskGroup(Executor& executor) : executor_(executor) {}

TaskGroup::~TaskGroup() {
  if (local_ == 0 && (state_.load(std::memory_order_acquire) >> 1) == 0) return;
  // Only the owner can complete the count; returning would leave tasks running on a dead group.
  if (std::this_thread::get_id() != owner_) std::terminate();
  try {
    wait();
  } catch (...) {  // by contract: errors of an unwaited group are dropped
  }
}

void TaskGroup::cancel() {
  cancelled_.store(true, std::memory_order_release);
}

bool TaskGroup::cancelled() const {
  return cancelled_.load(std::memory_order_acquire);
}

void TaskGroup::record_error(std::exception_ptr error) noexcept {
  if (!failed_.exchange(true, std::memory_order_acq_rel)) error_ = std::move(error);
}

void TaskGroup::publish_local() noexcept {
  if (local_ != 0) {
    state_.fetch_add(static_cast<std::uint64_t>(local_) * kOneTask, std::memory_order_acq_rel);
    local_ = 0;
  }
}

void TaskGroup::finish_one() noexcept {
  if (counts_locally()) {
    --local_;
    return;
  }
  const std::uint64_t before = state_.fetch_sub(kOneTask, std::memory_order_acq_rel);
  if (before == (kOneTask | kWaiterBit)) {
    // Notify under the lock: the waiter cannot return (and destroy the group) before we leave.
    std::lock_guard lock(mutex_);
    done_ = true;
    done_cv_.notify_one();
  }
}

void TaskGroup::wait() {
  if (std::this_thread::get_id() != owner_) {
    throw ConfigError("TaskGroup::wait: only the thread that built the group may wait for it");
  }
  // From here on every finish, the owner's own too, goes to state_, which is then complete.
  owner_waiting_ = true;
  publish_local();
  if (executor_.on_worker_thread()) {
    help_until_done();
  } else {
    block_until_done();
  }
  owner_waiting_ = false;
  if (failed_.load(std::memory_order_acquire)) {
    std::exception_ptr error = std::move(error_);
    error_ = nullptr;
    failed_.store(false, std::memory_order_relaxed);
    std::rethrow_exception(error);
  }
  if (cancelled()) throw CancelledError("task group cancelled");
}

// Blocking a worker could deadlock the pool (every worker waiting on a nested group whose tasks sit
// in the deques), so a worker runs queued tasks, ours or not, until our count drains.
void TaskGroup::help_until_done() {
  int idle = 0;
  while ((state_.load(std::memory_order_acquire) >> 1) != 0) {
    if (executor_.run_one_job()) {
      idle = 0;
    } else if (++idle < kHelperYieldRounds) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
}

// The caller runs queued tasks itself first: with few small tasks the pool's wake-up latency
// would otherwise dominate, and a thread that only waits wastes the core it holds.
void TaskGroup::block_until_done() {
  std::uint64_t state = state_.load(std::memory_order_acquire);
  while ((state >> 1) != 0 && executor_.run_one_injected_job()) {
    state = state_.load(std::memory_order_acquire);
  }
  for (int round = 0; (state >> 1) != 0 && round < kExternalSpinRounds; ++round) {
    if (round % 64 == 63) std::this_thread::yield();
    state = state_.load(std::memory_order_acquire);
  }
  while ((state >> 1) != 0) {
    if (state_.compare_exchange_weak(state, state | kWaiterBit, std::memory_order_acq_rel,
                                     std::memory_order_acquire)) {
      // Committed: the last task will see the bit and signal, so we must wait for that signal.
      std::unique_lock lock(mutex_);
      done_cv_.wait(lock, [&] { return done_; });
      done_ = false;
      state_.fetch_and(~kWaiterBit, std::memory_order_relaxed);
      break;
    }
  }
}

}  // namespace legion
