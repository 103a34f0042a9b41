#include "stress/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace stress {
namespace {

double ms(std::chrono::nanoseconds d) {
  return static_cast<double>(d.count()) / 1e6;
}
std::uint64_t ns(std::chrono::nanoseconds d) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(0, d.count()));
}

nlohmann::json summary_json(const stats::LatencyHistogram& h) {
  if (h.count() == 0) return {{"count", 0}};
  auto s = h.summary();
  auto m = [](std::uint64_t v) { return static_cast<double>(v) / 1e6; };
  return {{"count", s.count},     {"min_ms", m(s.min)}, {"p50_ms", m(s.p50)},
          {"p90_ms", m(s.p90)},   {"p95_ms", m(s.p95)}, {"p99_ms", m(s.p99)},
          {"p999_ms", m(s.p999)}, {"max_ms", m(s.max)}, {"mean_ms", s.mean / 1e6}};
}

}  // namespace

std::chrono::nanoseconds bucket_width_for(double planned_s) {
  // About 20 points for a short run, one a second up to 10 minutes, then at most 3600 buckets.
  const double width = std::clamp(planned_s / 20.0, 0.1, 1.0);
  const double wide = std::max(width, planned_s / 3600.0);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(wide * 1e9));
}

Metrics::Metrics(SteadyClock::time_point start, std::chrono::nanoseconds planned,
                 std::chrono::nanoseconds bucket_width)
    : start_(start),
      width_(bucket_width),
      buckets_(static_cast<std::size_t>(planned / bucket_width) + 2) {}

Metrics::Bucket& Metrics::bucket_at(SteadyClock::time_point now) {
  const auto index = std::max<std::int64_t>(0, (now - start_) / width_);
  return buckets_[std::min<std::size_t>(static_cast<std::size_t>(index), buckets_.size() - 1)];
}

void Metrics::record_ok(SteadyClock::time_point now, std::chrono::nanoseconds corrected,
                        std::chrono::nanoseconds uncorrected,
                        std::chrono::nanoseconds expected_interval) {
  std::lock_guard lock(mutex_);
  if (expected_interval.count() > 0) {
    corrected_.record_corrected(ns(corrected), ns(expected_interval));
  } else {
    corrected_.record(ns(corrected));
  }
  uncorrected_.record(ns(uncorrected));
  ++totals_.ok;
  if (kept_.size() < keep_capacity_) {
    kept_.push_back({static_cast<float>(std::chrono::duration<double>(now - start_).count()),
                     static_cast<float>(ms(corrected))});
  }
  Bucket& b = bucket_at(now);
  ++b.ok;
  b.latency_sum_ms += ms(corrected);
  b.latency_max_ms = std::max(b.latency_max_ms, ms(corrected));
}

void Metrics::record_error(SteadyClock::time_point now) {
  std::lock_guard lock(mutex_);
  ++totals_.errors;
  ++bucket_at(now).errors;
}

void Metrics::record_started(SteadyClock::time_point now, bool late) {
  std::lock_guard lock(mutex_);
  ++totals_.started;
  Bucket& b = bucket_at(now);
  ++b.started;
  if (late) {
    ++totals_.late;
    ++b.late;
  }
}

void Metrics::record_queue_depth(SteadyClock::time_point now, std::int64_t depth) {
  std::lock_guard lock(mutex_);
  bucket_at(now).queue_depth = depth;
}

void Metrics::record_secondary(int which, SteadyClock::time_point now,
                               std::chrono::nanoseconds latency) {
  std::lock_guard lock(mutex_);
  secondary_[which].record(ns(latency));
  Bucket& b = bucket_at(now);
  b.secondary_sum_ms[which] += ms(latency);
  ++b.secondary_count[which];
}

Metrics::Totals Metrics::totals() const {
  std::lock_guard lock(mutex_);
  return totals_;
}

std::uint64_t Metrics::ok_between(double from_s, double to_s) const {
  std::lock_guard lock(mutex_);
  const double w = std::chrono::duration<double>(width_).count();
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    const double t = static_cast<double>(i) * w;
    if (t >= from_s && t < to_s) total += buckets_[i].ok;
  }
  return total;
}

double Metrics::bucket_width_s() const {
  return std::chrono::duration<double>(width_).count();
}

double Metrics::duration_s(SteadyClock::time_point end) const {
  return std::chrono::duration<double>(end - start_).count();
}

Metrics::Series Metrics::throughput() const {
  std::lock_guard lock(mutex_);
  Series s;
  const double w = bucket_width_s();
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    s.t.push_back(static_cast<double>(i) * w);
    s.value.push_back(static_cast<double>(buckets_[i].ok) / w);
  }
  return s;
}

Metrics::Series Metrics::mean_latency_ms() const {
  std::lock_guard lock(mutex_);
  Series s;
  const double w = bucket_width_s();
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (buckets_[i].ok == 0) continue;
    s.t.push_back(static_cast<double>(i) * w);
    s.value.push_back(buckets_[i].latency_sum_ms / static_cast<double>(buckets_[i].ok));
  }
  return s;
}

Metrics::Series Metrics::queue_depth() const {
  std::lock_guard lock(mutex_);
  Series s;
  const double w = bucket_width_s();
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    if (buckets_[i].queue_depth < 0) continue;
    s.t.push_back(static_cast<double>(i) * w);
    s.value.push_back(static_cast<double>(buckets_[i].queue_depth));
  }
  return s;
}

std::vector<Metrics::BucketCounts> Metrics::buckets() const {
  std::lock_guard lock(mutex_);
  std::vector<BucketCounts> out;
  const double w = bucket_width_s();
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    const Bucket& b = buckets_[i];
    out.push_back({static_cast<double>(i) * w, b.ok, b.errors, b.started, b.queue_depth});
  }
  return out;
}

void Metrics::keep_completions(std::size_t capacity) {
  std::lock_guard lock(mutex_);
  keep_capacity_ = capacity;
  kept_.reserve(capacity);
}

std::vector<Metrics::Completion> Metrics::completions() const {
  std::lock_guard lock(mutex_);
  return kept_;
}

double Metrics::corrected_p99_ms() const {
  std::lock_guard lock(mutex_);
  if (corrected_.count() == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(corrected_.percentile(99.0)) / 1e6;
}

nlohmann::json Metrics::percentiles_json() const {
  std::lock_guard lock(mutex_);
  return {{"latency_corrected", summary_json(corrected_)},
          {"latency_uncorrected", summary_json(uncorrected_)},
          {"bus_latency", summary_json(secondary_[kBusLatency])},
          {"store_query_latency", summary_json(secondary_[kStoreQuery])}};
}

nlohmann::json Metrics::series_json() const {
  std::lock_guard lock(mutex_);
  const double w = bucket_width_s();
  // Trailing empty buckets (planned but not reached) are left out.
  std::size_t used = buckets_.size();
  while (used > 0) {
    const Bucket& b = buckets_[used - 1];
    if (b.ok || b.errors || b.started || b.queue_depth >= 0 || b.secondary_count[0] ||
        b.secondary_count[1]) {
      break;
    }
    --used;
  }
  nlohmann::json out = {{"bucket_s", w}};
  auto& t = out["t_s"] = nlohmann::json::array();
  auto& tput = out["throughput_per_s"] = nlohmann::json::array();
  auto& err = out["error_rate"] = nlohmann::json::array();
  auto& started = out["started_per_s"] = nlohmann::json::array();
  auto& late = out["late"] = nlohmann::json::array();
  auto& mean = out["latency_mean_ms"] = nlohmann::json::array();
  auto& max = out["latency_max_ms"] = nlohmann::json::array();
  auto& depth = out["queue_depth"] = nlohmann::json::array();
  auto& bus = out["bus_latency_mean_ms"] = nlohmann::json::array();
  auto& store = out["store_query_mean_ms"] = nlohmann::json::array();
  auto mean_or_null = [](double sum, std::uint64_t n) {
    return n ? nlohmann::json(sum / static_cast<double>(n)) : nlohmann::json(nullptr);
  };
  for (std::size_t i = 0; i < used; ++i) {
    const Bucket& b = buckets_[i];
    t.push_back(static_cast<double>(i) * w);
    tput.push_back(static_cast<double>(b.ok) / w);
    const auto finished = b.ok + b.errors;
    err.push_back(finished ? static_cast<double>(b.errors) / static_cast<double>(finished) : 0.0);
    started.push_back(static_cast<double>(b.started) / w);
    late.push_back(b.late);
    mean.push_back(mean_or_null(b.latency_sum_ms, b.ok));
    max.push_back(b.ok ? nlohmann::json(b.latency_max_ms) : nlohmann::json(nullptr));
    depth.push_back(b.queue_depth >= 0 ? nlohmann::json(b.queue_depth) : nlohmann::json(nullptr));
    bus.push_back(mean_or_null(b.secondary_sum_ms[kBusLatency], b.secondary_count[kBusLatency]));
    store.push_back(mean_or_null(b.secondary_sum_ms[kStoreQuery], b.secondary_count[kStoreQuery]));
  }
  return out;
}

}  // namespace stress
