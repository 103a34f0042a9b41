#pragma once
// Per-iteration wall times of one benchmark run, for its iter_p50_ns / iter_p95_ns counters:
// the tail beside the mean. One timestamp per iteration (lap(), at the end of the iteration's
// body) so an iteration's time includes everything the mean includes. On x86 the stamp is the
// TSC (~15 ns, half a steady_clock read) scaled by the run's own steady-clock wall time; the
// cost is the same for every framework. Keeps the first kMaxLaps iterations.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace legion::harness {

class IterationTimes {
 public:
  static constexpr std::size_t kMaxLaps = std::size_t{1} << 20;

  explicit IterationTimes(std::size_t expected_iterations);
  void start();  // just before the first iteration
  void lap() {
    if (stamps_.size() < kMaxLaps) stamps_.push_back(now());
  }
  // Percentile p in [0, 1] (type 7) of the iteration times in ns, scaled so the laps add up to
  // `wall` over the recorded span; 0 without laps.
  struct Percentiles {
    double p50 = 0.0, p95 = 0.0;
  };
  Percentiles percentiles() const;

 private:
  static std::uint64_t now();
  std::vector<std::uint64_t> stamps_;  // [0] = start
  std::chrono::steady_clock::time_point wall_start_;
};

// One figure per measured interval, for regimes that time each iteration themselves
// (construction): percentiles of the given durations in ns.
IterationTimes::Percentiles percentiles_of(std::vector<double> durations_ns);

// CPU time of the whole process (every thread, user + system) so far, in ns.
double process_cpu_ns();

}  // namespace legion::harness
