#pragma once
// Faults carried by the tasks themselves: while a fault is active, a seeded share of the tasks
// submitted get a payload that makes their handler throw, hang, or keep memory for good. The
// set of tasks poisoned to fail (throw, hang) is kept: those are expected to end dead-lettered
// (failed, not lost), and the audit and the recovery rule tell them from the system's errors.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <unordered_set>

namespace stress {

class TaskFaults {
 public:
  enum class Mode { kNone, kThrow, kHang, kLeak };

  void set(Mode mode, double fraction, std::uint64_t seed, int hang_ms = 0, int leak_kb = 0);
  void clear();

  // Extra payload fields for task `seq` submitted now ({} when none), in the form the `legion
  // worker` built-in handler reads: fail_times, sleep_ms, leak_kb.
  nlohmann::json decorate(std::uint64_t seq);
  // What a payload's extra fields ask of an in-process handler: throws for fail_times, sleeps
  // for sleep_ms (and leaks nothing: leak_kb needs worker processes).
  static void apply(const nlohmann::json& payload, int attempts);

  bool expected_to_fail(std::uint64_t seq) const;
  std::uint64_t expected_failures() const;
  std::uint64_t decorated() const { return decorated_.load(); }

 private:
  mutable std::mutex mutex_;
  Mode mode_ = Mode::kNone;
  double fraction_ = 0.0;
  std::uint64_t seed_ = 0;
  int hang_ms_ = 0, leak_kb_ = 0;
  std::unordered_set<std::uint64_t> poisoned_;
  std::atomic<std::uint64_t> decorated_{0};
};

}  // namespace stress
