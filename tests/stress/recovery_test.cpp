// The recovery and detection rules on hand-made timelines (docs/stress.md, "Detection and
// recovery"); scripts/stress_recovery.py recomputes the same from a result's JSON.
#include "stress/recovery.hpp"

#include <gtest/gtest.h>

namespace {

std::vector<stress::TimelineRow> rows(const std::vector<double>& completed,
                                      const std::vector<double>& errors = {}) {
  std::vector<stress::TimelineRow> out;
  for (std::size_t i = 0; i < completed.size(); ++i) {
    stress::TimelineRow r;
    r.t_s = static_cast<double>(i);
    r.completed = completed[i];
    r.errors = i < errors.size() ? errors[i] : 0.0;
    out.push_back(r);
  }
  return out;
}

TEST(StressRecovery, FromTheHealToTheFirstSecondBackThatStaysBackForTheHold) {
  stress::FaultsConfig rule;  // 0.9 x baseline, 3 s, 1% errors
  //                  0    1    2    3  4  5   6    7    8   9    10   11
  const auto t = rows({100, 100, 100, 0, 0, 40, 95, 100, 88, 101, 100, 100});
  // Healed at 4.5: second 5 is short, 6 starts 95, 100, 88 (a batching dip; mean 94.3).
  const auto r = stress::recovery_time(t, 4.5, 100.0, rule, 12.0);
  ASSERT_TRUE(r);
  EXPECT_DOUBLE_EQ(*r, 1.5);
}

TEST(StressRecovery, ABurstCannotHideASecondThatIsNotBack) {
  stress::FaultsConfig rule;
  const auto t = rows({100, 100, 0, 250, 100, 100, 100});
  // Healed at 2.0: second 2 (0) averages 117 with the drain after it, but is not back itself.
  EXPECT_DOUBLE_EQ(*stress::recovery_time(t, 2.0, 100.0, rule, 7.0), 1.0);
}

TEST(StressRecovery, ErrorsOrTheEndOfTheLoadMeanNotRecovered) {
  stress::FaultsConfig rule;
  const auto t = rows({100, 100, 100, 100, 100}, {0, 0, 5, 5, 5});
  EXPECT_FALSE(stress::recovery_time(t, 1.5, 100.0, rule, 5.0));
  const auto short_run = rows({100, 100, 100});
  EXPECT_FALSE(stress::recovery_time(short_run, 1.5, 100.0, rule, 3.0));  // 2 s left, hold 3 s
  auto planned = rows({100, 100, 100, 100, 100, 100}, {0, 0, 5, 5, 5, 5});
  for (auto& r : planned) r.expected_failures = r.errors;  // poisoned on purpose: not errors
  EXPECT_DOUBLE_EQ(*stress::recovery_time(planned, 1.5, 100.0, rule, 6.0), 0.0);
}

TEST(StressRecovery, DetectionIsTheFirstSymptomOrTheFirstSlowSecond) {
  stress::FaultsConfig rule;
  const auto t = rows({100, 95, 100, 90, 30, 100});
  const auto base = stress::compute_baseline(t, 3.0);  // seconds 1-2: 95, 100
  ASSERT_TRUE(base);
  EXPECT_DOUBLE_EQ(base->per_s, 97.5);
  EXPECT_DOUBLE_EQ(base->min_per_s, 95);
  // Second 3 (90) is below the slowest baseline second but not below 0.9 x 97.5 = 87.75: a
  // dip, not a symptom. Second 4 (30) is both; its count is known when it ends, at 5.0.
  auto d = stress::detect(t, {}, 3.2, 6.0, *base, rule);
  ASSERT_TRUE(d);
  EXPECT_DOUBLE_EQ(d->detect_s, 1.8);
  // A symptom the harness saw first wins.
  d = stress::detect(t, {{3.5, "worker_exit", "worker 0 killed"}}, 3.2, 6.0, *base, rule);
  ASSERT_TRUE(d);
  EXPECT_NEAR(d->detect_s, 0.3, 1e-9);
  EXPECT_EQ(d->by, "worker_exit: worker 0 killed");
  EXPECT_FALSE(stress::detect(rows({100, 100, 100, 100}), {}, 2.0, 4.0, *base, rule));
}

TEST(StressRecovery, QuantileIntervalFromOrderStatistics) {
  std::vector<double> ms;
  for (int i = 1; i <= 1000; ++i) ms.push_back(i);
  const auto q = stress::quantile_with_ci(ms, 0.99);
  ASSERT_TRUE(q);
  EXPECT_DOUBLE_EQ(q->value, 990);
  EXPECT_LE(q->ci.lower, 990);
  EXPECT_GE(q->ci.upper, 990);
  EXPECT_GT(q->ci.upper - q->ci.lower, 5);  // 1.96 sqrt(n p (1 - p)) ~ 6 ranks either side
  EXPECT_FALSE(stress::quantile_with_ci({1, 2, 3}, 0.99));
}

}  // namespace
