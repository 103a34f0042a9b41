// The row inference on hand-computed and reference values: the Welch interval on the logs,
// the verdict rule, the replication and power figures.

#include "stats/ratio_inference.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <vector>

#include "stats/error.hpp"

namespace {

using stats::EquivalenceBounds;
using stats::Interval;
using stats::Verdict;

TEST(ReadVerdict, DirectionThenEquivalenceThenInconclusive) {
  const auto margin = stats::equivalence_bounds(0.2);
  EXPECT_EQ(stats::read_verdict({1.01, 1.05}, margin), Verdict::kSlower);  // direction first
  EXPECT_EQ(stats::read_verdict({2998, 10048}, margin), Verdict::kSlower);
  EXPECT_EQ(stats::read_verdict({0.2, 0.9}, margin), Verdict::kFaster);
  EXPECT_EQ(stats::read_verdict({0.9, 1.1}, margin), Verdict::kEquivalent);
  EXPECT_EQ(stats::read_verdict({0.8, 1.1}, margin), Verdict::kInconclusive);  // 0.8 < 1/1.2
  EXPECT_EQ(stats::read_verdict({0.9, 1.1}, stats::equivalence_bounds(0.0)),
            Verdict::kInconclusive);
  EXPECT_EQ(stats::read_verdict({1.0, 1.3}, margin), Verdict::kInconclusive);  // 1 is in it
  EXPECT_NEAR(margin.lower, 1.0 / 1.2, 1e-15);
  EXPECT_STREQ(stats::verdict_name(Verdict::kEquivalent), "equivalent");
}

TEST(BanerjeeLogInterval, UsesEachSidesOwnTQuantileOnTheLogs) {
  const std::vector<double> a = {1.0, 1.1, 0.9};
  const std::vector<double> b = {2.0, 2.3, 1.9, 2.1};
  const auto s = stats::log_scale(a, b);
  double la = 0.0;
  double lb = 0.0;
  for (double v : a) la += std::log(v) / 3.0;
  for (double v : b) lb += std::log(v) / 4.0;
  EXPECT_NEAR(s.d, lb - la, 1e-14);
  double va = 0.0;
  double vb = 0.0;
  for (double v : a) va += std::pow(std::log(v) - la, 2) / 2.0;
  for (double v : b) vb += std::pow(std::log(v) - lb, 2) / 3.0;
  // Welch's se and df (reported beside the interval and used by the mde).
  const double se = std::sqrt(va / 3.0 + vb / 4.0);
  const double df = std::pow(va / 3.0 + vb / 4.0, 2) /
                    (std::pow(va / 3.0, 2) / 2.0 + std::pow(vb / 4.0, 2) / 3.0);
  EXPECT_NEAR(s.se(), se, 1e-14);
  EXPECT_NEAR(s.df(), df, 1e-10);
  auto t = [](double dof) {
    return boost::math::quantile(boost::math::students_t_distribution<double>(dof), 0.975);
  };
  const double half = std::sqrt(t(2) * t(2) * va / 3.0 + t(3) * t(3) * vb / 4.0);
  const auto ci = stats::banerjee_log_interval(s, 0.95);
  EXPECT_NEAR(std::log(ci.lower), s.d - half, 1e-12);
  EXPECT_NEAR(std::log(ci.upper), s.d + half, 1e-12);
  EXPECT_NEAR(ci.level, 0.95, 0);
  // Never narrower than Welch's at the same level (it guards against every variance ratio).
  EXPECT_GE(half, t(df) * se);
  // The same data swapped give the reciprocal interval.
  const auto back = stats::banerjee_log_interval(stats::log_scale(b, a), 0.95);
  EXPECT_NEAR(back.lower, 1.0 / ci.upper, 1e-12);
}

TEST(BanerjeeLogInterval, ZeroSpreadIsThePointAndBadInputThrows) {
  const std::vector<double> a = {2.0, 2.0};
  const std::vector<double> b = {4.0, 4.0, 4.0};
  const auto ci = stats::banerjee_log_interval(stats::log_scale(a, b), 0.95);
  EXPECT_DOUBLE_EQ(ci.lower, 2.0);
  EXPECT_DOUBLE_EQ(ci.upper, 2.0);
  const std::vector<double> one = {1.0};
  const std::vector<double> zero = {1.0, 0.0};
  EXPECT_THROW(stats::log_scale(one, b), stats::StatsError);
  EXPECT_THROW(stats::log_scale(zero, b), stats::StatsError);
  EXPECT_THROW(stats::banerjee_log_interval(stats::log_scale(a, b), 1.0), stats::StatsError);
}

TEST(ProcessesToSettle, IsTheSmallestReplicationWhoseIntervalGivesAVerdict) {
  const stats::LogScale s{std::log(1.3), 0.04, 3, 0.02, 3};  // 1.3x, log sds 0.2 and 0.14
  const double level = 1.0 - 0.05 / 45.0;
  const auto bounds = stats::equivalence_bounds(0.2);
  ASSERT_EQ(stats::read_verdict(stats::banerjee_log_interval(s, level), bounds),
            Verdict::kInconclusive);
  const auto n = stats::processes_to_settle(s, level, bounds);
  ASSERT_TRUE(n.has_value());
  auto at = [&](std::size_t k) {
    auto t = s;
    t.n_a = t.n_b = static_cast<double>(k);
    return stats::read_verdict(stats::banerjee_log_interval(t, level), bounds);
  };
  EXPECT_EQ(at(*n), Verdict::kSlower);
  EXPECT_EQ(at(*n - 1), Verdict::kInconclusive);
  // A ratio of exactly 1 settles only by equivalence; without bounds never.
  const stats::LogScale null{0.0, 0.01, 3, 0.01, 3};
  const auto eq = stats::processes_to_settle(null, level, bounds);
  ASSERT_TRUE(eq.has_value());
  auto t = null;
  t.n_a = t.n_b = static_cast<double>(*eq);
  EXPECT_EQ(stats::read_verdict(stats::banerjee_log_interval(t, level), bounds),
            Verdict::kEquivalent);
  EXPECT_FALSE(stats::processes_to_settle(null, level, stats::equivalence_bounds(0)).has_value());
  // The A/A goal: inside the bounds, not merely excluding 1.
  const EquivalenceBounds aa{0.95, 1.05, true};
  const stats::LogScale off{std::log(1.03), 0.0004, 3, 0.0004, 3};
  const auto inside = stats::processes_to_settle(off, 0.95, aa, stats::SettleGoal::kInsideBounds);
  const auto any = stats::processes_to_settle(off, 0.95, aa);
  ASSERT_TRUE(inside && any);
  EXPECT_GE(*inside, *any);
}

TEST(AgainstAConstant, IsStudentsIntervalOfTheMeanLogOverTheConstant) {
  // The critical-path model time is exact: only the sample's side has a spread.
  const std::vector<double> b = {44.0, 46.0, 45.0, 47.0};
  const double c = 40.0;
  const auto s = stats::log_scale_to_constant(b, c);
  double m = 0.0;
  for (double v : b) m += std::log(v) / 4.0;
  double var = 0.0;
  for (double v : b) var += std::pow(std::log(v) - m, 2) / 3.0;
  EXPECT_NEAR(s.d, m - std::log(c), 1e-14);
  EXPECT_EQ(s.var_a, 0.0);
  EXPECT_NEAR(s.var_b, var, 1e-14);
  EXPECT_NEAR(s.df(), 3.0, 1e-12);  // one-sample: n - 1
  const double t =
      boost::math::quantile(boost::math::students_t_distribution<double>(3), 1.0 - 0.01 / 2.0);
  const auto ci = stats::banerjee_log_interval(s, 0.99);
  EXPECT_NEAR(std::log(ci.lower), s.d - t * std::sqrt(var / 4.0), 1e-12);
  EXPECT_NEAR(std::log(ci.upper), s.d + t * std::sqrt(var / 4.0), 1e-12);
  EXPECT_GT(stats::minimum_detectable_ratio(s, 0.99), 1.0);
  const std::vector<double> one = {1.0};
  EXPECT_THROW(stats::log_scale_to_constant(one, c), stats::StatsError);
  EXPECT_THROW(stats::log_scale_to_constant(b, 0.0), stats::StatsError);
  EXPECT_THROW(stats::log_scale_to_constant(b, std::nan("")), stats::StatsError);
}

TEST(ReadLimit, BelowAboveOrStraddling) {
  EXPECT_EQ(stats::read_limit({0.02, 0.12}, 0.15), stats::LimitVerdict::kBelow);
  EXPECT_EQ(stats::read_limit({0.16, 0.40}, 0.15), stats::LimitVerdict::kAbove);
  EXPECT_EQ(stats::read_limit({0.10, 0.20}, 0.15), stats::LimitVerdict::kStraddles);
  EXPECT_EQ(stats::read_limit({0.10, 0.15}, 0.15), stats::LimitVerdict::kStraddles);  // touches
  EXPECT_EQ(stats::read_limit({0.15, 0.20}, 0.15), stats::LimitVerdict::kStraddles);
}

TEST(ProcessesToSettleLimit, IsTheSmallestReplicationThatPutsTheIntervalOnOneSide) {
  // 10% over a constant with a 5% log sd: against a 15% limit.
  const std::vector<double> b = {1.04, 1.16, 1.10};
  const auto s = stats::log_scale_to_constant(b, 1.0);
  const double level = 0.99;
  ASSERT_EQ(stats::read_limit(stats::banerjee_log_interval(s, level), 1.15),
            stats::LimitVerdict::kStraddles);
  const auto n = stats::processes_to_settle_limit(s, level, 1.15);
  ASSERT_TRUE(n.has_value());
  auto at = [&](std::size_t k) {
    auto t = s;
    t.n_b = static_cast<double>(k);
    return stats::read_limit(stats::banerjee_log_interval(t, level), 1.15);
  };
  EXPECT_EQ(at(*n), stats::LimitVerdict::kBelow);
  EXPECT_EQ(at(*n - 1), stats::LimitVerdict::kStraddles);
  // On the limit nothing settles it.
  const auto on = stats::log_scale_to_constant(std::vector<double>{1.1, 1.2, 1.15}, 1.0);
  auto shifted = on;
  shifted.d = std::log(1.15);
  EXPECT_FALSE(stats::processes_to_settle_limit(shifted, level, 1.15).has_value());
  EXPECT_THROW(stats::processes_to_settle_limit(s, level, 0.0), stats::StatsError);
}

TEST(MinimumDetectableRatio, IsWithinTwoPercentOfTheExactNoncentralTRoot) {
  for (double df_side : {3.0, 4.0, 6.0, 11.0, 31.0}) {  // processes per side
    for (double level : {0.95, 1.0 - 0.05 / 45.0, 1.0 - 0.05 / 450.0}) {
      const stats::LogScale s{0.0, 0.01, df_side, 0.01, df_side};
      const double df = s.df();
      // Equal sides: Banerjee's half-width is t_{n-1} se.
      const double crit = boost::math::quantile(
          boost::math::students_t_distribution<double>(df_side - 1.0), (1 + level) / 2);
      const double ncp = std::log(stats::minimum_detectable_ratio(s, level)) / s.se();
      const boost::math::non_central_t_distribution<double> shifted(df, ncp);
      const double power = boost::math::cdf(boost::math::complement(shifted, crit)) +
                           boost::math::cdf(shifted, -crit);
      // The approximation errs on the safe side: at its ncp the power is at least 0.8, and
      // not by much (the ncp is within 2.1% of the exact one).
      EXPECT_GE(power, 0.8) << "df " << df << " level " << level;
      const boost::math::non_central_t_distribution<double> smaller(df, ncp / 1.022);
      EXPECT_LT(boost::math::cdf(boost::math::complement(smaller, crit)), 0.8)
          << "df " << df << " level " << level;
    }
  }
  EXPECT_DOUBLE_EQ(stats::minimum_detectable_ratio({0.0, 0.0, 3, 0.0, 3}, 0.95), 1.0);
}

TEST(RelativeHalfWidth, IsHalfTheLogWidth) {
  EXPECT_NEAR(stats::relative_half_width({0.5, 2.0}), std::log(2.0), 1e-15);
  EXPECT_TRUE(std::isinf(stats::relative_half_width({-1.0, 2.0})));
}

}  // namespace
