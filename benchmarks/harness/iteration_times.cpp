#include "iteration_times.hpp"

#include <time.h>

#include <algorithm>

#include "stats/quantile.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace legion::harness {

IterationTimes::IterationTimes(std::size_t expected_iterations) {
  stamps_.reserve(std::min(expected_iterations, kMaxLaps) + 1);
}

std::uint64_t IterationTimes::now() {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

void IterationTimes::start() {
  stamps_.clear();
  wall_start_ = std::chrono::steady_clock::now();
  stamps_.push_back(now());
}

IterationTimes::Percentiles IterationTimes::percentiles() const {
  if (stamps_.size() < 2) return {};
  const std::uint64_t last = now();
  const double wall =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - wall_start_)
          .count();
  const double ns_per_tick =
      last > stamps_.front() ? wall / static_cast<double>(last - stamps_.front()) : 0.0;
  std::vector<double> laps;
  laps.reserve(stamps_.size() - 1);
  for (std::size_t i = 1; i < stamps_.size(); ++i) {
    laps.push_back(static_cast<double>(stamps_[i] - stamps_[i - 1]) * ns_per_tick);
  }
  return percentiles_of(std::move(laps));
}

IterationTimes::Percentiles percentiles_of(std::vector<double> durations_ns) {
  if (durations_ns.empty()) return {};
  const double ps[] = {0.50, 0.95};
  const std::vector<double> q = stats::quantiles(durations_ns, ps);
  return {q[0], q[1]};
}

double process_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

}  // namespace legion::harness
