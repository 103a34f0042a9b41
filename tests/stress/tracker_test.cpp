// The tracker: latency from the scheduled start (open model) or corrected for the pace (closed
// model), histories written once per outcome, closed-model wake-ups.
#include "stress/tracker.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace {

using namespace std::chrono_literals;

TEST(StressTracker, OpenModelMeasuresFromTheScheduledStart) {
  const auto start = stress::SteadyClock::now();
  stress::Metrics metrics(start, 10s, 1s);
  stress::History history(4);
  stress::Tracker tracker(4, metrics, history);
  // Scheduled 50 ms ago, dispatched now (a stalled generator): corrected sees the 50 ms.
  tracker.dispatched(0, stress::SteadyClock::now() - 50ms, stress::SteadyClock::now(), true);
  tracker.invoked(0);
  tracker.completed(0, true);
  tracker.completed(0, true);  // a repeat: in the history, measured once
  const auto p = metrics.percentiles_json();
  EXPECT_GE(p["latency_corrected"]["p99_ms"].get<double>(), 50.0);
  EXPECT_LT(p["latency_uncorrected"]["p99_ms"].get<double>(), 50.0);
  EXPECT_EQ(metrics.totals().ok, 1u);
  EXPECT_EQ(metrics.totals().late, 1u);
  EXPECT_EQ(history.entries().at(0).ok, 2u);
  EXPECT_EQ(tracker.in_flight(), 0u);
}

TEST(StressTracker, ClosedModelCorrectsForThePace) {
  const auto start = stress::SteadyClock::now();
  stress::Metrics metrics(start, 10s, 1s);
  stress::History history(1);
  stress::Tracker tracker(1, metrics, history, 10ms);  // one start every 10 ms per agent
  const auto now = stress::SteadyClock::now();
  tracker.dispatched(0, now - 100ms, now - 100ms, false);  // a 100 ms stall
  tracker.invoked(0);
  tracker.completed(0, true);
  const auto p = metrics.percentiles_json();
  // The stall held back ~9 starts of that agent: they are recorded with what they would wait.
  EXPECT_EQ(p["latency_corrected"]["count"].get<int>(), 10);
  EXPECT_EQ(p["latency_uncorrected"]["count"].get<int>(), 1);
}

TEST(StressTracker, WrongAnswerIsAFailure) {
  stress::Metrics metrics(stress::SteadyClock::now(), 10s, 1s);
  stress::History history(1);
  stress::Tracker tracker(1, metrics, history);
  tracker.dispatched(0, stress::SteadyClock::now(), stress::SteadyClock::now(), false);
  tracker.invoked(0);
  tracker.completed(0, false);
  EXPECT_EQ(metrics.totals().errors, 1u);
  EXPECT_EQ(history.counts().fail, 1u);
}

TEST(StressTracker, WaitWakesTheAgentOfThatTaskOnly) {
  stress::Metrics metrics(stress::SteadyClock::now(), 10s, 1s);
  stress::History history(2);
  stress::Tracker tracker(2, metrics, history);
  tracker.add_waiters(1);
  const auto now = stress::SteadyClock::now();
  tracker.dispatched(0, now, now, false, 0);
  tracker.dispatched(1, now, now, false, 0);
  tracker.completed(0, true);  // a late wake-up from task 0 ...
  EXPECT_FALSE(tracker.wait(1, 0, stress::SteadyClock::now() + 20ms));  // ... is not task 1's
  std::thread worker([&] {
    std::this_thread::sleep_for(10ms);
    tracker.completed(1, true);
  });
  EXPECT_TRUE(tracker.wait(1, 0, stress::SteadyClock::now() + 5s));
  worker.join();
}

}  // namespace
