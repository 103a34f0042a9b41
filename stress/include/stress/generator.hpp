#pragma once
// The open-model load generator (k6's ramping-arrival-rate, wrk2): arrivals follow a schedule
// of rate stages whatever the system under test does, and each arrival carries its *scheduled*
// time so latency is measured from it — a stalled system cannot hide its stall by delaying
// the next send (coordinated omission). One dedicated thread; absolute deadlines, slept until
// shortly before and then spun on, so the scheduling delay stays in microseconds.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "stats/histogram.hpp"
#include "stress/config.hpp"

namespace stress {

// Arrival times of a sequence of stages: during a ramp the rate moves linearly from the
// previous stage's rate (0 before the first stage), so arrival j lands where the integral of
// the rate reaches j; time is exact (no accumulation of rounding over millions of arrivals).
class ArrivalSchedule {
 public:
  explicit ArrivalSchedule(std::vector<Stage> stages);
  // Offset of the next arrival from the start; nullopt once the stages are over.
  std::optional<std::chrono::nanoseconds> next();
  // Arrivals the whole schedule makes (rounded down), without consuming it.
  std::uint64_t total() const;

 private:
  std::vector<Stage> stages_;
  std::size_t stage_ = 0;
  double stage_start_s_ = 0.0;
  double stage_start_rate_ = 0.0;
  double arrivals_before_ = 0.0;  // integral of the rate up to the current stage
  std::uint64_t next_index_ = 0;
};

struct GeneratorOptions {
  std::chrono::nanoseconds late_tolerance{1'000'000};
  std::uint64_t max_backlog = 100'000;     // arrivals in flight beyond which new ones are dropped
  std::chrono::nanoseconds spin{200'000};  // sleep until this long before a deadline, then spin
};

struct GeneratorReport {
  std::uint64_t scheduled = 0;                             // arrivals whose time came
  std::uint64_t dispatched = 0;                            // handed to the sink
  std::uint64_t late = 0;                                  // dispatched later than the tolerance
  std::uint64_t dropped = 0;                               // not dispatched: the backlog was full
  stats::LatencyHistogram delay{3'600'000'000'000ULL, 3};  // dispatch - scheduled, ns
  double elapsed_s = 0.0;
};

// seq counts from 0; `scheduled` is the arrival's absolute time.
using ArrivalSink =
    std::function<void(std::uint64_t seq, std::chrono::steady_clock::time_point scheduled)>;
// How many dispatched arrivals are still in flight (for the backlog limit); may be empty.
using InFlight = std::function<std::uint64_t()>;

// Runs the schedule on the calling thread (give it a thread of its own) until it ends or
// `stop` is set.
GeneratorReport run_generator(ArrivalSchedule schedule, const GeneratorOptions& options,
                              std::chrono::steady_clock::time_point start, const ArrivalSink& sink,
                              const InFlight& in_flight, const std::atomic<bool>* stop = nullptr);

}  // namespace stress
