#pragma once
// Follows every task (or message) of a run from dispatch to outcome: keeps its scheduled and
// actual start, writes the history (invoke / ok / fail) and the latency metrics, and wakes the
// closed-model agent waiting for it. Ids are dense (0..capacity-1), so the state is arrays
// allocated once; every method is thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <semaphore>
#include <vector>

#include "stress/history.hpp"
#include "stress/metrics.hpp"

namespace stress {

class Tracker {
 public:
  // expected_interval > 0: closed model with that pacing (coordinated-omission correction).
  Tracker(std::size_t capacity, Metrics& metrics, History& history,
          std::chrono::nanoseconds expected_interval = {});

  // The load model started the task: `scheduled` is when it should have, `now` when it did.
  // waiter >= 0: the closed-model agent to wake when the task finishes.
  void dispatched(std::uint64_t id, SteadyClock::time_point scheduled, SteadyClock::time_point now,
                  bool late, int waiter = -1);
  // Another id started with `like`'s times (one message, several deliveries).
  void dispatched_like(std::uint64_t id, std::uint64_t like);
  void invoked(std::uint64_t id);  // the store (or bus) acknowledged it
  void failed(std::uint64_t id);   // a definite error
  // The submission's outcome is unknown (a retryable error, retries exhausted): the task may
  // or may not be in the store; the audit finds out.
  void indeterminate(std::uint64_t id);
  // The completion of `id` with lease token `token` was acknowledged (see History).
  void acknowledged(std::uint64_t id, std::int64_t token) { history_.record_token(id, token); }
  // The run is over early (its workers are gone): waits and the drain return now.
  void abort() { aborted_ = true; }
  bool aborted() const { return aborted_.load(); }
  // A committed completion; a wrong answer counts as a failure. Repeats are recorded in the
  // history (the duplicate check) but measured once.
  void completed(std::uint64_t id, bool correct);

  // Blocks closed-model agent `waiter` until task `id` finishes or the deadline passes; a late
  // wake-up left by an earlier task that timed out is absorbed, not mistaken for this one.
  bool wait(std::uint64_t id, int waiter, SteadyClock::time_point deadline);

  // Blocks until every invoked id has finished or `timeout` passed (the drain); returns when.
  SteadyClock::time_point drain(std::chrono::nanoseconds timeout) const;
  SteadyClock::time_point scheduled_at(std::uint64_t id) const;
  std::uint64_t invoked_count() const { return invoked_.load(); }
  std::uint64_t finished_count() const { return finished_.load(); }
  std::uint64_t in_flight() const;  // dispatched and not finished
  std::size_t capacity() const { return scheduled_.size(); }
  void add_waiters(int count);

 private:
  bool finish(std::uint64_t id);  // true the first time

  Metrics& metrics_;
  History& history_;
  const std::chrono::nanoseconds interval_;
  std::vector<std::atomic<std::int64_t>> scheduled_;  // ns since epoch of the steady clock
  std::vector<std::atomic<std::int64_t>> started_;
  std::vector<std::atomic<int>> waiter_;
  std::vector<std::atomic<bool>> finished_flag_;
  std::vector<std::unique_ptr<std::binary_semaphore>> waiters_;
  std::atomic<std::uint64_t> dispatched_{0};
  std::atomic<std::uint64_t> invoked_{0};
  std::atomic<std::uint64_t> finished_{0};
  std::atomic<bool> aborted_{false};
};

}  // namespace stress
