#include "stress/generator.hpp"

#include <cmath>
#include <thread>

namespace stress {
namespace {

struct StageShape {
  double ramp_arrivals;  // integral of the rate over the ramp
  double total_arrivals;
};

StageShape shape(const Stage& s, double start_rate) {
  const double ramp = (start_rate + s.rate) * s.ramp_s / 2.0;
  return {ramp, ramp + s.rate * (s.duration_s - s.ramp_s)};
}

// Time into the stage at which the integral of the rate reaches m (m < total_arrivals).
double time_in_stage(const Stage& s, double r0, const StageShape& sh, double m) {
  if (m < sh.ramp_arrivals) {
    // r0 t + (r1 - r0) t^2 / (2 R) = m
    const double a = (s.rate - r0) / (2.0 * s.ramp_s);
    if (std::fabs(a) < 1e-12) return m / r0;
    return (-r0 + std::sqrt(r0 * r0 + 4.0 * a * m)) / (2.0 * a);
  }
  return s.ramp_s + (m - sh.ramp_arrivals) / s.rate;
}

}  // namespace

ArrivalSchedule::ArrivalSchedule(std::vector<Stage> stages) : stages_(std::move(stages)) {}

std::optional<std::chrono::nanoseconds> ArrivalSchedule::next() {
  while (stage_ < stages_.size()) {
    const Stage& s = stages_[stage_];
    const StageShape sh = shape(s, stage_start_rate_);
    const double m = static_cast<double>(next_index_) - arrivals_before_;
    if (m < sh.total_arrivals - 1e-9) {
      const double t = stage_start_s_ + time_in_stage(s, stage_start_rate_, sh, m);
      ++next_index_;
      return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(t * 1e9)));
    }
    arrivals_before_ += sh.total_arrivals;
    stage_start_s_ += s.duration_s;
    stage_start_rate_ = s.rate;
    ++stage_;
  }
  return std::nullopt;
}

std::uint64_t ArrivalSchedule::total() const {
  double total = 0.0;
  double rate = 0.0;
  for (const auto& s : stages_) {
    total += shape(s, rate).total_arrivals;
    rate = s.rate;
  }
  return static_cast<std::uint64_t>(std::ceil(total - 1e-9));
}

GeneratorReport run_generator(ArrivalSchedule schedule, const GeneratorOptions& options,
                              std::chrono::steady_clock::time_point start, const ArrivalSink& sink,
                              const InFlight& in_flight, const std::atomic<bool>* stop) {
  using Clock = std::chrono::steady_clock;
  GeneratorReport report;
  std::uint64_t seq = 0;
  while (auto offset = schedule.next()) {
    if (stop && stop->load(std::memory_order_relaxed)) break;
    const auto deadline = start + *offset;
    // Sleep most of the way (cheap, but the wake-up is only accurate to ~50-100 us), then spin
    // the rest so the arrival leaves on time.
    if (deadline - Clock::now() > options.spin)
      std::this_thread::sleep_until(deadline - options.spin);
    auto now = Clock::now();
    while (now < deadline) now = Clock::now();
    ++report.scheduled;
    if (in_flight && in_flight() >= options.max_backlog) {
      ++report.dropped;
      ++seq;
      continue;
    }
    const auto delay = now - deadline;
    report.delay.record(static_cast<std::uint64_t>(delay.count()));
    if (delay > options.late_tolerance) ++report.late;
    sink(seq++, deadline);
    ++report.dispatched;
  }
  report.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace stress
