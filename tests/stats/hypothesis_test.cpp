// t tests, rank tests, effect sizes, corrections and equivalence against R's and SciPy's
// documented examples.

#include "stats/hypothesis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "stats/correction.hpp"
#include "stats/effect_size.hpp"
#include "stats/equivalence.hpp"
#include "stats/error.hpp"

namespace {

using stats::Alternative;

// R's `sleep` data: extra hours of sleep, group 1 and group 2 (same ten patients).
const std::vector<double> kSleep1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const std::vector<double> kSleep2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

TEST(TTest, WelchMatchesRSleepExample) {
  // R: t.test(extra ~ group, data = sleep) -> t = -1.8608, df = 17.776, p-value = 0.07939
  const auto r = stats::welch_t_test(kSleep1, kSleep2);
  EXPECT_NEAR(r.t, -1.8608, 5e-5);
  EXPECT_NEAR(r.df, 17.776, 5e-4);
  EXPECT_NEAR(r.p_value, 0.07939, 5e-6);
  EXPECT_NEAR(r.mean_difference, -1.58, 1e-12);
  // One-sided p-values split the two-sided one by the sign of t.
  EXPECT_NEAR(stats::welch_t_test(kSleep1, kSleep2, Alternative::kLess).p_value, 0.07939 / 2, 5e-6);
  EXPECT_NEAR(stats::welch_t_test(kSleep1, kSleep2, Alternative::kGreater).p_value,
              1.0 - 0.07939 / 2, 5e-6);
}

TEST(TTest, StudentPooledMatchesR) {
  // R: t.test(extra ~ group, data = sleep, var.equal = TRUE) -> t = -1.8608, df = 18,
  // p-value = 0.07919
  const auto r = stats::student_t_test(kSleep1, kSleep2);
  EXPECT_NEAR(r.t, -1.8608, 5e-5);
  EXPECT_EQ(r.df, 18.0);
  EXPECT_NEAR(r.p_value, 0.07919, 5e-6);
  // SciPy docs: ttest_ind(females, males, alternative="less") -> t = -2.239334696520584,
  // p = 0.030068441095757924, df = 7
  const std::vector<double> males = {19, 22, 16, 29, 24};
  const std::vector<double> females = {20, 11, 17, 12};
  const auto s = stats::student_t_test(females, males, Alternative::kLess);
  EXPECT_NEAR(s.t, -2.239334696520584, 1e-12);
  EXPECT_NEAR(s.p_value, 0.030068441095757924, 1e-12);
  EXPECT_EQ(s.df, 7.0);
}

TEST(TTest, PairedMatchesRSleepExample) {
  // R: t.test(sleep$extra[1:10], sleep$extra[11:20], paired = TRUE) -> t = -4.0621, df = 9,
  // p-value = 0.002833
  const auto r = stats::paired_t_test(kSleep1, kSleep2);
  EXPECT_NEAR(r.t, -4.0621, 5e-5);
  EXPECT_EQ(r.df, 9.0);
  EXPECT_NEAR(r.p_value, 0.002833, 5e-7);
}

TEST(TTest, InvariantUnderCommonShiftAndScale) {
  std::vector<double> a;
  std::vector<double> b;
  for (double v : kSleep1) a.push_back(3.0 * v + 100.0);
  for (double v : kSleep2) b.push_back(3.0 * v + 100.0);
  EXPECT_NEAR(stats::welch_t_test(a, b).p_value, stats::welch_t_test(kSleep1, kSleep2).p_value,
              1e-12);
  EXPECT_NEAR(stats::paired_t_test(a, b).t, stats::paired_t_test(kSleep1, kSleep2).t, 1e-10);
  EXPECT_NEAR(stats::hedges_g(a, b), stats::hedges_g(kSleep1, kSleep2), 1e-12);
  EXPECT_EQ(stats::mann_whitney_u(a, b).p_value, stats::mann_whitney_u(kSleep1, kSleep2).p_value);
  EXPECT_EQ(stats::cliffs_delta(a, b), stats::cliffs_delta(kSleep1, kSleep2));
}

TEST(TTest, BadInputThrows) {
  const std::vector<double> one = {1.0};
  const std::vector<double> constant = {2.0, 2.0, 2.0};
  const std::vector<double> with_nan = {1.0, std::numeric_limits<double>::quiet_NaN()};
  EXPECT_THROW(stats::welch_t_test(one, kSleep2), stats::StatsError);
  EXPECT_THROW(stats::welch_t_test(constant, constant), stats::StatsError);
  EXPECT_THROW(stats::student_t_test(with_nan, kSleep2), stats::StatsError);
  EXPECT_THROW(stats::paired_t_test(kSleep1, constant), stats::StatsError);  // unequal lengths
  EXPECT_THROW(stats::paired_t_test(kSleep1, kSleep1), stats::StatsError);   // zero variance
  EXPECT_THROW(stats::mann_whitney_u(std::vector<double>{}, kSleep1), stats::StatsError);
  EXPECT_THROW(stats::wilcoxon_signed_rank(kSleep1, constant), stats::StatsError);
  EXPECT_THROW(stats::wilcoxon_signed_rank(kSleep1, kSleep1), stats::StatsError);  // all zero
}

TEST(MannWhitney, ExactMatchesRDepressionExample) {
  // R ?wilcox.test: wilcox.test(x, y, alternative = "g") -> W = 35, p-value = 0.1272
  const std::vector<double> x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
  const std::vector<double> y = {1.15, 0.88, 0.90, 0.74, 1.21};
  const auto r = stats::mann_whitney_u(x, y, Alternative::kGreater);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.statistic, 35.0);
  EXPECT_NEAR(r.p_value, 0.1272, 5e-5);
}

TEST(MannWhitney, MatchesScipyDocumentation) {
  // SciPy mannwhitneyu docs: males vs females.
  const std::vector<double> males = {19, 22, 16, 29, 24};
  const std::vector<double> females = {20, 11, 17, 12};
  const auto exact = stats::mann_whitney_u(males, females);  // auto: n <= 8, no ties
  EXPECT_TRUE(exact.exact);
  EXPECT_EQ(exact.statistic, 17.0);
  EXPECT_NEAR(exact.p_value, 0.1111111111111111, 1e-15);
  const auto asym =
      stats::mann_whitney_u(males, females, Alternative::kTwoSided, stats::RankMethod::kAsymptotic);
  EXPECT_FALSE(asym.exact);
  EXPECT_NEAR(asym.p_value, 0.11134688653314041, 1e-14);
  const auto less = stats::mann_whitney_u(females, males, Alternative::kLess);
  EXPECT_EQ(less.statistic, 3.0);
  EXPECT_NEAR(less.p_value, 0.05555555555555555, 1e-15);
}

TEST(MannWhitney, AutoFallsBackToNormalWithTies) {
  // With a tie the exact distribution no longer applies: SciPy's auto uses the tie-corrected
  // normal approximation. sigma^2 = 4*4/12 * (9 - 6/56) computed by hand for this data.
  const std::vector<double> x = {1, 2, 3, 4};
  const std::vector<double> y = {4, 5, 6, 7};
  const auto r = stats::mann_whitney_u(x, y);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.statistic, 0.5);
  const double sigma = std::sqrt(16.0 / 12.0 * (9.0 - 6.0 / 56.0));
  EXPECT_NEAR(r.z, (15.5 - 8.0 - 0.5) / sigma, 1e-12);
  // Samples both larger than 8 use the normal approximation even without ties.
  std::vector<double> big_x;
  std::vector<double> big_y;
  for (int i = 0; i < 9; ++i) {
    big_x.push_back(i);
    big_y.push_back(i + 0.5);
  }
  EXPECT_FALSE(stats::mann_whitney_u(big_x, big_y).exact);
  EXPECT_TRUE(
      stats::mann_whitney_u(big_x, std::vector<double>(big_y.begin(), big_y.begin() + 8)).exact);
}

TEST(MannWhitney, ExactHandlesAVeryUnequalDesign) {
  // One value below 1000 others: U = 0, exact P(U <= 0) = 1 / C(1001, 1).
  std::vector<double> y(1000);
  for (int i = 0; i < 1000; ++i) y[i] = i + 1.0;
  const auto r = stats::mann_whitney_u(std::vector<double>{0.0}, y, Alternative::kLess);
  EXPECT_TRUE(r.exact);
  EXPECT_NEAR(r.p_value, 1.0 / 1001.0, 1e-15);
}

TEST(MannWhitney, AllTiedGivesPOne) {
  const std::vector<double> x = {3, 3, 3};
  const auto r = stats::mann_whitney_u(x, x);
  EXPECT_EQ(r.p_value, 1.0);
}

TEST(SignedRank, MatchesRHamiltonDepressionExample) {
  // R ?wilcox.test: wilcox.test(x, y, paired = TRUE, alternative = "greater") -> V = 40,
  // p-value = 0.01953
  const std::vector<double> x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
  const std::vector<double> y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};
  const auto r = stats::wilcoxon_signed_rank(x, y, Alternative::kGreater);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.statistic, 40.0);
  EXPECT_NEAR(r.p_value, 0.01953, 5e-6);
  EXPECT_NEAR(stats::wilcoxon_signed_rank(x, y).p_value, 0.0390625, 1e-12);  // 20 / 512
}

TEST(EffectSize, CohenHedgesCliff) {
  // Sleep data: pooled sd = sqrt((3.200556 + 4.009000) / 2) = 1.898625; d = -1.58 / 1.898625.
  const double d = stats::cohens_d(kSleep1, kSleep2);
  EXPECT_NEAR(d, -1.58 / std::sqrt((3.2005556 + 4.0090000) / 2.0), 1e-6);
  // J(18) = Gamma(9) / (3 Gamma(8.5)) = 40320 / (3 * 14034.4073) = 0.9576464 (the usual
  // approximation 1 - 3 / (4 * 18 - 1) = 0.957746 is close but not exact).
  EXPECT_NEAR(stats::hedges_g(kSleep1, kSleep2) / d, 0.9576464, 1e-7);
  EXPECT_EQ(stats::cliffs_delta(std::vector<double>{5, 6}, std::vector<double>{1, 2}), 1.0);
  EXPECT_EQ(stats::cliffs_delta(std::vector<double>{1, 2}, std::vector<double>{5, 6}), -1.0);
  // x = {1, 3}, y = {2, 3}: pairs (1,2)< (1,3)< (3,2)> (3,3)= -> (1 - 2) / 4.
  EXPECT_EQ(stats::cliffs_delta(std::vector<double>{1, 3}, std::vector<double>{2, 3}), -0.25);
  EXPECT_THROW(stats::cohens_d(std::vector<double>{1, 1}, std::vector<double>{2, 2}),
               stats::StatsError);
}

TEST(Correction, HolmAndBenjaminiHochbergMatchRPAdjust) {
  // R: p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2), "holm")
  //      -> 0.040 0.090 0.090 0.025 0.200
  //    p.adjust(c(0.01, 0.04, 0.03, 0.005, 0.2), "BH")
  //      -> 0.02500 0.05000 0.05000 0.02500 0.20000
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005, 0.2};
  const auto holm = stats::holm(p);
  const std::vector<double> want_holm = {0.04, 0.09, 0.09, 0.025, 0.2};
  const auto bh = stats::benjamini_hochberg(p);
  const std::vector<double> want_bh = {0.025, 0.05, 0.05, 0.025, 0.2};
  for (std::size_t i = 0; i < p.size(); ++i) {
    EXPECT_NEAR(holm[i], want_holm[i], 1e-15) << i;
    EXPECT_NEAR(bh[i], want_bh[i], 1e-15) << i;
  }
  // NaN stays NaN and does not count as a test.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto with_nan = stats::holm(std::vector<double>{0.01, nan, 0.04});
  EXPECT_NEAR(with_nan[0], 0.02, 1e-15);
  EXPECT_TRUE(std::isnan(with_nan[1]));
  EXPECT_NEAR(with_nan[2], 0.04, 1e-15);
  EXPECT_THROW(stats::holm(std::vector<double>{1.5}), stats::StatsError);
}

TEST(Equivalence, RatioTostDecidesWithinMargin) {
  // Two tight samples 5% apart are equivalent within 20% but not within 2%.
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 20; ++i) {
    const double wobble = (i % 5 - 2) * 0.5;
    a.push_back(100.0 + wobble);
    b.push_back(105.0 + wobble);
  }
  const auto wide = stats::tost_ratio(a, b, 0.2);
  EXPECT_TRUE(wide.equivalent);
  EXPECT_NEAR(wide.ratio, 1.05, 1e-12);
  EXPECT_LT(wide.p_value, 1e-10);
  EXPECT_TRUE(wide.interval.contains(1.05));
  EXPECT_GT(wide.interval.lower, wide.lower_bound);
  EXPECT_LT(wide.interval.upper, wide.upper_bound);
  const auto narrow = stats::tost_ratio(a, b, 0.02);
  EXPECT_FALSE(narrow.equivalent);
  EXPECT_GT(narrow.p_upper, 0.5);
  // The margin is symmetric on the log scale: swapping the sides gives the same p-value.
  EXPECT_NEAR(stats::tost_ratio(b, a, 0.2).p_value, wide.p_value, wide.p_value * 1e-6);
  // A noisy pair with no evidence either way is not equivalent.
  const std::vector<double> noisy_a = {50, 150, 80, 120};
  const std::vector<double> noisy_b = {60, 140, 90, 130};
  EXPECT_FALSE(stats::tost_ratio(noisy_a, noisy_b, 0.2).equivalent);
  EXPECT_THROW(stats::tost_ratio(a, b, 0.0), stats::StatsError);
}

}  // namespace
