#include "stress/tracker.hpp"

#include <algorithm>
#include <thread>

namespace stress {
namespace {

std::int64_t ticks(SteadyClock::time_point t) {
  return t.time_since_epoch().count();
}
SteadyClock::time_point at(std::int64_t ticks) {
  return SteadyClock::time_point(SteadyClock::duration(ticks));
}

}  // namespace

Tracker::Tracker(std::size_t capacity, Metrics& metrics, History& history,
                 std::chrono::nanoseconds expected_interval)
    : metrics_(metrics),
      history_(history),
      interval_(expected_interval),
      scheduled_(capacity),
      started_(capacity),
      waiter_(capacity),
      finished_flag_(capacity) {
  for (auto& w : waiter_) w.store(-1, std::memory_order_relaxed);
}

void Tracker::add_waiters(int count) {
  for (int i = 0; i < count; ++i) waiters_.push_back(std::make_unique<std::binary_semaphore>(0));
}

void Tracker::dispatched(std::uint64_t id, SteadyClock::time_point scheduled,
                         SteadyClock::time_point now, bool late, int waiter) {
  if (id >= capacity()) return;
  scheduled_[id].store(ticks(scheduled), std::memory_order_relaxed);
  started_[id].store(ticks(now), std::memory_order_relaxed);
  waiter_[id].store(waiter, std::memory_order_release);
  ++dispatched_;
  metrics_.record_started(now, late);
}

void Tracker::dispatched_like(std::uint64_t id, std::uint64_t like) {
  if (id >= capacity() || like >= capacity()) return;
  scheduled_[id].store(scheduled_[like].load(std::memory_order_relaxed), std::memory_order_relaxed);
  started_[id].store(started_[like].load(std::memory_order_relaxed), std::memory_order_relaxed);
  ++dispatched_;
}

void Tracker::invoked(std::uint64_t id) {
  history_.record(id, Op::kInvoke);
  ++invoked_;
}

bool Tracker::finish(std::uint64_t id) {
  if (id >= capacity() || finished_flag_[id].exchange(true)) return false;
  ++finished_;
  const int waiter = waiter_[id].load(std::memory_order_acquire);
  if (waiter >= 0 && static_cast<std::size_t>(waiter) < waiters_.size()) {
    waiters_[static_cast<std::size_t>(waiter)]->release();
  }
  return true;
}

void Tracker::failed(std::uint64_t id) {
  history_.record(id, Op::kFail);
  if (finish(id)) metrics_.record_error(SteadyClock::now());
}

void Tracker::indeterminate(std::uint64_t id) {
  history_.record(id, Op::kInfo);
  if (finish(id)) metrics_.record_error(SteadyClock::now());
}

void Tracker::completed(std::uint64_t id, bool correct) {
  const auto now = SteadyClock::now();
  history_.record(id, correct ? Op::kOk : Op::kFail);
  if (!finish(id)) return;
  if (!correct) {
    metrics_.record_error(now);
    return;
  }
  const auto scheduled = at(scheduled_[id].load(std::memory_order_relaxed));
  const auto started = at(started_[id].load(std::memory_order_relaxed));
  metrics_.record_ok(now, now - scheduled, now - started, interval_);
}

bool Tracker::wait(std::uint64_t id, int waiter, SteadyClock::time_point deadline) {
  auto& semaphore = *waiters_[static_cast<std::size_t>(waiter)];
  while (!finished_flag_[id].load()) {
    if (aborted_.load()) return false;
    // In slices, so an abort is seen within 50 ms.
    const auto slice = std::min(deadline, SteadyClock::now() + std::chrono::milliseconds(50));
    if (!semaphore.try_acquire_until(slice) && SteadyClock::now() >= deadline) {
      return finished_flag_[id].load();
    }
  }
  return true;
}

SteadyClock::time_point Tracker::drain(std::chrono::nanoseconds timeout) const {
  const auto deadline = SteadyClock::now() + timeout;
  while (finished_.load() < invoked_.load() && SteadyClock::now() < deadline && !aborted_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return SteadyClock::now();
}

SteadyClock::time_point Tracker::scheduled_at(std::uint64_t id) const {
  return id < capacity() ? at(scheduled_[id].load(std::memory_order_relaxed))
                         : SteadyClock::time_point{};
}

std::uint64_t Tracker::in_flight() const {
  const auto d = dispatched_.load();
  const auto f = finished_.load();
  return d > f ? d - f : 0;
}

}  // namespace stress
