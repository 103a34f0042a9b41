// The message-bus workload: messages published on one topic at the load model's times,
// consumed by `subscribers` mailboxes; every delivery (message x subscriber) is one id of the
// history, so a message lost or delivered twice to one subscriber shows in the audit.
#include <algorithm>
#include <charconv>
#include <mutex>
#include <thread>

#include "legion/bus.hpp"
#include "legion/error.hpp"
#include "stress/generator.hpp"
#include "stress/load_driver.hpp"
#include "stress/tracker.hpp"
#include "thread_start.hpp"
#include "workload.hpp"

namespace stress::detail {
namespace {

// Per stage of the schedule: the deliveries of the messages it scheduled, latency from the
// scheduled time. A stage is kept up with when all its messages arrived and their p99 stays
// under limit_p99_ms: past the limit the queue grows and the latency with it.
class StageLatencies {
 public:
  explicit StageLatencies(const ScenarioConfig& c) {
    std::vector<Stage> so_far;
    for (const auto& stage : c.stages) {
      so_far.push_back(stage);
      ends_.push_back(ArrivalSchedule(so_far).total());
      histograms_.emplace_back(3'600'000'000'000ULL, 2);
    }
  }
  void record(std::uint64_t seq, std::chrono::nanoseconds latency) {
    const auto stage =
        static_cast<std::size_t>(std::upper_bound(ends_.begin(), ends_.end(), seq) - ends_.begin());
    if (stage >= histograms_.size()) return;
    std::lock_guard lock(mutex_);
    histograms_[stage].record(
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, latency.count())));
  }
  nlohmann::json result(const ScenarioConfig& c) const {
    std::lock_guard lock(mutex_);
    auto steps = nlohmann::json::array();
    double limit = 0.0;
    bool broken = false;
    std::uint64_t begin = 0;
    for (std::size_t i = 0; i < histograms_.size(); ++i) {
      const auto offered = (ends_[i] - begin) * static_cast<std::uint64_t>(c.subscribers);
      begin = ends_[i];
      const auto& h = histograms_[i];
      const double p99 = h.count() ? static_cast<double>(h.percentile(99)) / 1e6 : 0.0;
      const bool kept_up = offered > 0 && h.count() == offered && p99 <= c.limit_p99_ms;
      steps.push_back({{"rate", c.stages[i].rate},
                       {"offered", offered},
                       {"delivered", h.count()},
                       {"p99_ms", p99},
                       {"kept_up", kept_up}});
      if (!broken && kept_up) limit = c.stages[i].rate;
      broken = broken || !kept_up;
    }
    // Every step kept up: the limit lies above the range searched (or the generator, whose
    // late starts the result reports, could not offer more).
    const bool above = !broken && !c.stages.empty();
    return {{"steps", steps},
            {"limit_p99_ms", c.limit_p99_ms},
            {"sustained_rate_per_s", limit},
            {"limit_above_range", above}};
  }

 private:
  std::vector<std::uint64_t> ends_;  // arrival index one past each stage
  mutable std::mutex mutex_;
  std::vector<stats::LatencyHistogram> histograms_;
};

}  // namespace

void run_bus_flood(WorkloadRun& run) {
  const auto& c = run.config;
  const auto subscribers = static_cast<std::uint64_t>(c.subscribers);
  legion::BusOptions bus_options;
  // kBlock: a full mailbox slows the publisher (the generator then reports late starts)
  // instead of losing messages.
  bus_options.mailbox_capacity =
      static_cast<std::size_t>(std::min<long long>(c.max_backlog, 1 << 20));
  legion::MessageBus bus(bus_options);
  std::vector<std::shared_ptr<legion::Mailbox>> boxes;
  for (std::uint64_t s = 0; s < subscribers; ++s) {
    const std::string name = "subscriber-" + std::to_string(s);
    bus.subscribe("flood", name);
    boxes.push_back(bus.mailbox(name));
  }
  // Delivery ids: subscriber s of message seq is s * planned + seq, so subscriber 0's ids are
  // the load model's own.
  const std::uint64_t planned = planned_tasks(c);
  auto delivery = [planned](std::uint64_t seq, std::uint64_t s) { return s * planned + seq; };
  Tracker tracker(planned * subscribers, run.metrics, run.history);
  StageLatencies stages(c);
  std::mutex consumed_mutex;
  std::vector<std::uint64_t> consumed;

  std::vector<std::thread> consumers =
      detail::start_threads(subscribers, "consumer", [&](std::uint64_t s) {
        std::vector<std::uint64_t> mine;
        for (;;) {
          auto message = boxes[s]->pop_for(std::chrono::milliseconds(20));
          if (!message) {
            if (boxes[s]->closed()) break;
            continue;
          }
          // Consumers of a known capacity (1 / consume_us each): the overload scenario's
          // yardstick.
          if (c.consume_us > 0) {
            std::this_thread::sleep_for(
                std::chrono::nanoseconds(static_cast<std::int64_t>(c.consume_us * 1e3)));
          }
          std::uint64_t seq = 0;
          const auto& p = message->payload;
          std::from_chars(p.data(), p.data() + p.size(), seq);
          const std::uint64_t id = delivery(seq, s);
          run.metrics.record_secondary(Metrics::kBusLatency, message->received_at,
                                       message->received_at - message->sent_at);
          if (c.limit_search) stages.record(seq, message->received_at - tracker.scheduled_at(id));
          tracker.completed(id, true);
          mine.push_back(id);
        }
        std::lock_guard lock(consumed_mutex);
        consumed.insert(consumed.end(), mine.begin(), mine.end());
      });

  std::atomic<bool> stop{false};
  std::thread probe;
  StopAndJoin guard{stop, {&probe}};
  probe = std::thread([&] {
    auto next_line = SteadyClock::now();
    while (!stop.load()) {
      std::int64_t depth = 0;
      for (const auto& box : boxes) depth += static_cast<std::int64_t>(box->size());
      run.metrics.record_queue_depth(SteadyClock::now(), depth);
      if (SteadyClock::now() >= next_line) {
        progress_line(run, tracker.in_flight(), depth);
        next_line += std::chrono::seconds(1);
      }
      std::this_thread::sleep_for(
          std::chrono::nanoseconds(static_cast<std::int64_t>(run.metrics.bucket_width_s() * 1e9)));
    }
  });

  auto quiet_until = SteadyClock::now();
  if (run.faults) run.faults->start();
  // The load model starts message `seq`: one delivery id per subscriber.
  run.load = drive_load(
      c, run.start, tracker,
      [&](std::uint64_t seq, int) {
        // The load model dispatched id seq (subscriber 0); the other deliveries share its times.
        for (std::uint64_t s = 1; s < subscribers; ++s)
          tracker.dispatched_like(delivery(seq, s), seq);
        // The drop policy at work: arrivals beyond max_backlog in flight are not offered.
        if (run.faults &&
            tracker.in_flight() + subscribers >= static_cast<std::uint64_t>(c.max_backlog)) {
          run.faults->events().add("drop_policy",
                                   "max_backlog deliveries in flight: arrivals "
                                   "beyond it are dropped and counted");
        }
        try {
          const auto before = SteadyClock::now();
          bus.publish("flood", "stress", std::to_string(seq));
          // A full mailbox blocks the publisher (kBlock): the system pushing back.
          if (run.faults && SteadyClock::now() - before > std::chrono::milliseconds(2) &&
              SteadyClock::now() >= quiet_until) {
            run.faults->events().add("backpressure", "publisher blocked on a full mailbox");
            quiet_until = SteadyClock::now() + std::chrono::milliseconds(250);
          }
          for (std::uint64_t s = 0; s < subscribers; ++s) tracker.invoked(delivery(seq, s));
        } catch (const legion::QueueFullError&) {
          for (std::uint64_t s = 0; s < subscribers; ++s) tracker.failed(delivery(seq, s));
        }
      },
      stop);
  if (run.faults) run.faults->stop();
  run.load_end =
      tracker.drain(std::chrono::nanoseconds(static_cast<std::int64_t>(c.drain_timeout_s * 1e9)));
  guard.release();
  for (auto& box : boxes) box->close();  // consumers drain what is left, then stop
  for (auto& t : consumers) t.join();
  run.history.close_open_operations();
  run.drained.completed = consumed;
  const auto s = bus.stats();
  run.extra["bus"] = {{"subscribers", subscribers},
                      {"published", s.published},
                      {"delivered", s.delivered},
                      {"dropped", s.dropped},
                      {"rejected", s.rejected}};
  if (c.limit_search) run.extra["limit_search"] = stages.result(c);
}

}  // namespace stress::detail
