#pragma once
// What a run measures, as totals and as time series of fixed-width buckets. Recording is
// thread-safe (one mutex: completions arrive in group commits, so contention is low); the
// buckets are allocated up front so the recorder's own memory does not grow during the run
// and cannot pass for a leak.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stats/histogram.hpp"

namespace stress {

using SteadyClock = std::chrono::steady_clock;

class Metrics {
 public:
  // Buckets of `bucket_width` from `start` over at least `planned` (extra time lands in the
  // last bucket).
  Metrics(SteadyClock::time_point start, std::chrono::nanoseconds planned,
          std::chrono::nanoseconds bucket_width);

  // latency_corrected: from the scheduled start (open model) or corrected for the closed
  // model's pacing interval (`expected_interval` > 0); uncorrected: from the actual start.
  void record_ok(SteadyClock::time_point now, std::chrono::nanoseconds corrected,
                 std::chrono::nanoseconds uncorrected, std::chrono::nanoseconds expected_interval);
  void record_error(SteadyClock::time_point now);
  void record_started(SteadyClock::time_point now, bool late);
  void record_queue_depth(SteadyClock::time_point now, std::int64_t depth);
  // A named secondary latency (bus hop, store query): histogram and per-bucket mean.
  void record_secondary(int which, SteadyClock::time_point now, std::chrono::nanoseconds latency);
  enum Secondary { kBusLatency = 0, kStoreQuery = 1, kSecondaryCount = 2 };

  struct Totals {
    std::uint64_t ok = 0, errors = 0, started = 0, late = 0;
  };
  Totals totals() const;
  std::uint64_t ok_between(double from_s, double to_s) const;  // completions in a window

  // Per bucket: seconds since start, and the value.
  struct Series {
    std::vector<double> t;
    std::vector<double> value;
  };
  Series throughput() const;       // completions per second
  Series mean_latency_ms() const;  // mean corrected latency per bucket (NaN-free: empty skipped)
  Series queue_depth() const;      // last sample per bucket

  // Every bucket's counts (the failure timeline is built from them).
  struct BucketCounts {
    double t_s = 0.0;
    std::uint64_t ok = 0, errors = 0, started = 0;
    std::int64_t queue_depth = -1;  // -1: not sampled
  };
  std::vector<BucketCounts> buckets() const;
  // Keep each completion's time and corrected latency (up to `capacity`, allocated now), for
  // percentiles over a window of the run (before and after a fault).
  void keep_completions(std::size_t capacity);
  struct Completion {
    float t_s = 0.0F;
    float ms = 0.0F;
  };
  std::vector<Completion> completions() const;

  nlohmann::json percentiles_json() const;  // corrected and uncorrected, in ms
  nlohmann::json series_json() const;
  double corrected_p99_ms() const;  // NaN when nothing completed
  double duration_s(SteadyClock::time_point end) const;
  double bucket_width_s() const;

 private:
  struct Bucket {
    std::uint64_t ok = 0, errors = 0, started = 0, late = 0;
    double latency_sum_ms = 0.0;
    double latency_max_ms = 0.0;
    std::int64_t queue_depth = -1;
    double secondary_sum_ms[kSecondaryCount] = {};
    std::uint64_t secondary_count[kSecondaryCount] = {};
  };
  Bucket& bucket_at(SteadyClock::time_point now);  // needs mutex_

  const SteadyClock::time_point start_;
  const std::chrono::nanoseconds width_;
  mutable std::mutex mutex_;
  std::vector<Bucket> buckets_;
  stats::LatencyHistogram corrected_;
  stats::LatencyHistogram uncorrected_;
  stats::LatencyHistogram secondary_[kSecondaryCount];
  Totals totals_;
  std::vector<Completion> kept_;
  std::size_t keep_capacity_ = 0;
};

// The bucket width for a planned duration: 1 s, narrower for short (scaled) runs so a series
// still has points to fit a trend to, wider for very long ones to bound the memory.
std::chrono::nanoseconds bucket_width_for(double planned_s);

}  // namespace stress
