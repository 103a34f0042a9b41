#include "stress/load_driver.hpp"

#include <cmath>
#include <thread>
#include <vector>

#include "stress/generator.hpp"
#include "thread_start.hpp"

namespace stress {
namespace {

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9));
}

nlohmann::json drive_closed(const ScenarioConfig& c, SteadyClock::time_point start,
                            Tracker& tracker, const Submit& submit, const std::atomic<bool>& stop) {
  const auto pace = closed_pace(c);
  const auto tolerance = seconds(c.late_tolerance_ms / 1000.0);
  // A system too slow for the pace would stretch a closed run without end: no new task
  // starts after twice the planned duration (the shortfall shows as started < planned).
  const auto cutoff = start + seconds(2.0 * c.duration_s + 1.0);
  const auto task_timeout = seconds(c.drain_timeout_s);
  std::atomic<std::uint64_t> next{0}, late{0};
  tracker.add_waiters(c.agents);
  std::vector<std::thread> agents =
      detail::start_threads(static_cast<std::size_t>(c.agents), "agent", [&](std::size_t index) {
        const int a = static_cast<int>(index);
        // Staggered over the ramp, and phased within one pace so the agents do not start their
        // tasks in lock-step bursts.
        const auto offset =
            seconds(c.agents > 1 ? c.ramp_s * a / (c.agents - 1) : 0.0) + pace * a / c.agents;
        for (std::int64_t k = 0; !stop.load(std::memory_order_relaxed); ++k) {
          const auto scheduled = start + offset + k * pace;
          if (scheduled > cutoff) break;
          const std::uint64_t id = next.fetch_add(1);
          if (id >= static_cast<std::uint64_t>(c.tasks)) break;
          std::this_thread::sleep_until(scheduled);
          const auto now = SteadyClock::now();
          const bool is_late = now - scheduled > tolerance;
          late += is_late;
          // The closed model measures from the actual start and corrects for the pace.
          tracker.dispatched(id, now, now, is_late, a);
          submit(id, a);
          tracker.wait(id, a, SteadyClock::now() + task_timeout);
        }
      });
  for (auto& t : agents) t.join();
  const auto started = std::min<std::uint64_t>(next.load(), static_cast<std::uint64_t>(c.tasks));
  return {{"model", "closed"},
          {"agents", c.agents},
          {"pace_ms", static_cast<double>(pace.count()) / 1e6},
          {"planned", c.tasks},
          {"started", started},
          {"late", late.load()},
          {"dropped", 0}};
}

nlohmann::json drive_open(const ScenarioConfig& c, SteadyClock::time_point start, Tracker& tracker,
                          const Submit& submit, const std::atomic<bool>& stop) {
  GeneratorOptions options;
  options.late_tolerance = seconds(c.late_tolerance_ms / 1000.0);
  options.max_backlog = static_cast<std::uint64_t>(c.max_backlog);
  ArrivalSchedule schedule(c.stages);
  const auto planned = schedule.total();
  auto report = run_generator(
      std::move(schedule), options, start,
      [&](std::uint64_t id, SteadyClock::time_point scheduled) {
        const auto now = SteadyClock::now();
        tracker.dispatched(id, scheduled, now, now - scheduled > options.late_tolerance);
        submit(id, static_cast<int>(id % static_cast<std::uint64_t>(c.agents)));
      },
      [&] { return tracker.in_flight(); }, &stop);
  nlohmann::json delay = {{"count", report.delay.count()}};
  if (report.delay.count() > 0) {
    delay["p50_us"] = static_cast<double>(report.delay.percentile(50)) / 1e3;
    delay["p99_us"] = static_cast<double>(report.delay.percentile(99)) / 1e3;
    delay["max_us"] = static_cast<double>(report.delay.max()) / 1e3;
  }
  return {
      {"model", "open"},     {"planned", planned},        {"started", report.dispatched},
      {"late", report.late}, {"dropped", report.dropped}, {"generator_scheduling_delay", delay}};
}

nlohmann::json drive_backlog(const ScenarioConfig& c, SteadyClock::time_point start,
                             Tracker& tracker, const Submit& submit,
                             const std::atomic<bool>& stop) {
  std::uint64_t started = 0;
  for (std::uint64_t id = 0; id < static_cast<std::uint64_t>(c.tasks); ++id) {
    if (stop.load(std::memory_order_relaxed)) break;
    // Every task is due at the start: latency includes the time spent queued behind the rest.
    tracker.dispatched(id, start, SteadyClock::now(), false);
    submit(id, static_cast<int>(id % static_cast<std::uint64_t>(c.agents)));
    ++started;
  }
  return {{"model", "backlog"},
          {"planned", c.tasks},
          {"started", started},
          {"late", 0},
          {"dropped", 0}};
}

}  // namespace

std::uint64_t planned_tasks(const ScenarioConfig& config) {
  if (config.model == LoadModel::kOpen) return ArrivalSchedule(config.stages).total() + 1;
  return static_cast<std::uint64_t>(config.tasks);
}

std::chrono::nanoseconds closed_pace(const ScenarioConfig& config) {
  if (config.model != LoadModel::kClosed) return {};
  return seconds(config.duration_s * config.agents / static_cast<double>(config.tasks));
}

nlohmann::json drive_load(const ScenarioConfig& config, SteadyClock::time_point start,
                          Tracker& tracker, const Submit& submit, const std::atomic<bool>& stop) {
  switch (config.model) {
    case LoadModel::kClosed:
      return drive_closed(config, start, tracker, submit, stop);
    case LoadModel::kOpen:
      return drive_open(config, start, tracker, submit, stop);
    case LoadModel::kBacklog:
      return drive_backlog(config, start, tracker, submit, stop);
  }
  return {};
}

}  // namespace stress
