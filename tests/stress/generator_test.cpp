// The open-model schedule (exact arrival times for constant, ramping and step stages) and the
// generator's accounting of late and dropped starts.
#include "stress/generator.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;

std::vector<double> times(std::vector<stress::Stage> stages) {
  stress::ArrivalSchedule s(std::move(stages));
  std::vector<double> out;
  while (auto t = s.next()) out.push_back(static_cast<double>(t->count()) / 1e9);
  return out;
}

TEST(ArrivalSchedule, ConstantRateIsEvenlySpaced) {
  const auto t = times({{10, 1.0, 0.0}});
  ASSERT_EQ(t.size(), 10u);
  for (std::size_t i = 0; i < t.size(); ++i) EXPECT_NEAR(t[i], 0.1 * i, 1e-9);
  EXPECT_EQ(stress::ArrivalSchedule({{10, 1.0, 0.0}}).total(), 10u);
}

TEST(ArrivalSchedule, LinearRampFollowsTheIntegral) {
  // 0 -> 100/s over 2 s: N(t) = 25 t^2, so arrival j at sqrt(j / 25); 100 in the ramp.
  const auto t = times({{100, 2.0, 2.0}});
  ASSERT_EQ(t.size(), 100u);
  for (std::size_t j = 0; j < t.size(); ++j) EXPECT_NEAR(t[j], std::sqrt(j / 25.0), 1e-9);
}

TEST(ArrivalSchedule, StepStagesChainWithoutGaps) {
  const auto t = times({{10, 1.0, 0.0}, {100, 1.0, 0.0}});
  ASSERT_EQ(t.size(), 110u);
  EXPECT_NEAR(t[9], 0.9, 1e-9);
  EXPECT_NEAR(t[10], 1.0, 1e-9);
  EXPECT_NEAR(t[11], 1.01, 1e-9);
  for (std::size_t i = 1; i < t.size(); ++i) EXPECT_GT(t[i], t[i - 1]);
}

TEST(ArrivalSchedule, ZeroRateStageIsAPause) {
  const auto t = times({{10, 1.0, 0.0}, {0, 1.0, 0.0}, {10, 1.0, 0.0}});
  ASSERT_EQ(t.size(), 20u);
  EXPECT_NEAR(t[10], 2.0, 1e-9);
}

TEST(Generator, DispatchesOnScheduleWithSmallDelay) {
  std::vector<std::uint64_t> seen;
  stress::GeneratorOptions options;
  const auto start = std::chrono::steady_clock::now() + 5ms;
  auto report = stress::run_generator(
      stress::ArrivalSchedule({{2000, 0.1, 0.0}}), options, start,
      [&](std::uint64_t seq, std::chrono::steady_clock::time_point scheduled) {
        EXPECT_GE(std::chrono::steady_clock::now(), scheduled);
        seen.push_back(seq);
      },
      {});
  EXPECT_EQ(report.scheduled, 200u);
  EXPECT_EQ(report.dispatched, 200u);
  EXPECT_EQ(report.dropped, 0u);
  ASSERT_EQ(seen.size(), 200u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i);
  EXPECT_EQ(report.delay.count(), 200u);
}

TEST(Generator, FullBacklogDropsAndASlowSinkMakesLateStarts) {
  stress::GeneratorOptions options;
  options.max_backlog = 5;
  options.late_tolerance = 100us;
  std::uint64_t in_flight = 0;
  auto report = stress::run_generator(
      stress::ArrivalSchedule({{1000, 0.02, 0.0}}), options, std::chrono::steady_clock::now(),
      [&](std::uint64_t, std::chrono::steady_clock::time_point) {
        ++in_flight;  // never completes
        std::this_thread::sleep_for(2ms);
      },
      [&] { return in_flight; });
  EXPECT_EQ(report.scheduled, 20u);
  EXPECT_EQ(report.dispatched, 5u);
  EXPECT_EQ(report.dropped, 15u);
  EXPECT_GE(report.late, 3u);  // each sink call makes the next arrival 1 ms late
}

TEST(Generator, StopEndsTheRun) {
  std::atomic<bool> stop{true};
  auto report = stress::run_generator(
      stress::ArrivalSchedule({{1000, 10.0, 0.0}}), {}, std::chrono::steady_clock::now(),
      [](std::uint64_t, auto) {}, {}, &stop);
  EXPECT_EQ(report.dispatched, 0u);
}

}  // namespace
