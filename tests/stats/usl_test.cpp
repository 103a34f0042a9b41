#include "stats/usl.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "stats/error.hpp"

namespace {

using stats::UslObservation;
using stats::UslParameters;

std::vector<UslObservation> exact(const UslParameters& p, std::initializer_list<double> ns) {
  std::vector<UslObservation> out;
  for (double n : ns) out.push_back({n, p.throughput(n)});
  return out;
}

TEST(Usl, ThroughputAndPeakFollowTheFormula) {
  const UslParameters p{100.0, 0.05, 0.002};
  EXPECT_DOUBLE_EQ(p.throughput(1), 100.0);
  EXPECT_NEAR(p.throughput(4), 400.0 / (1 + 0.05 * 3 + 0.002 * 12), 1e-9);
  ASSERT_TRUE(p.peak_n().has_value());
  EXPECT_NEAR(*p.peak_n(), std::sqrt(0.95 / 0.002), 1e-9);
  EXPECT_FALSE((UslParameters{100.0, 0.1, 0.0}).peak_n().has_value());  // Amdahl: no peak
}

TEST(Usl, RecoversExactParameters) {
  const UslParameters truth{250.0, 0.08, 0.0015};
  const auto data = exact(truth, {1, 2, 4, 8, 16, 32, 64});
  const auto fit = stats::fit_usl(data);
  EXPECT_NEAR(fit.parameters.lambda, 250.0, 0.5);
  EXPECT_NEAR(fit.parameters.sigma, 0.08, 1e-3);
  EXPECT_NEAR(fit.parameters.kappa, 0.0015, 1e-5);
  EXPECT_GT(fit.r_squared, 0.9999);
}

TEST(Usl, LinearScalingFitsZeroContention) {
  const auto data = exact({50.0, 0.0, 0.0}, {1, 2, 3, 4, 8});
  const auto fit = stats::fit_usl(data);
  EXPECT_NEAR(fit.parameters.lambda, 50.0, 1e-6);
  EXPECT_LT(fit.parameters.sigma, 1e-6);
  EXPECT_LT(fit.parameters.kappa, 1e-8);
  EXPECT_FALSE(fit.parameters.peak_n().has_value());
}

TEST(Usl, BootstrapIntervalsCoverTheTruthUnderNoise) {
  const UslParameters truth{100.0, 0.1, 0.01};
  std::mt19937_64 rng(7);
  std::normal_distribution<double> noise(1.0, 0.03);
  std::vector<UslObservation> data;
  for (double n : {1.0, 2.0, 4.0, 6.0, 8.0, 12.0, 16.0}) {
    for (int r = 0; r < 5; ++r) data.push_back({n, truth.throughput(n) * noise(rng)});
  }
  const auto ci = stats::bootstrap_usl(data, {400, 0.95, 11});
  EXPECT_TRUE(ci.lambda.contains(100.0)) << ci.lambda.lower << " " << ci.lambda.upper;
  EXPECT_TRUE(ci.sigma.contains(0.1)) << ci.sigma.lower << " " << ci.sigma.upper;
  EXPECT_TRUE(ci.kappa.contains(0.01)) << ci.kappa.lower << " " << ci.kappa.upper;
  EXPECT_TRUE(ci.peak_n.contains(*truth.peak_n()));
  EXPECT_GT(ci.peak_share, 0.95);
  EXPECT_LT(ci.sigma.upper - ci.sigma.lower, 0.2);  // informative, not [0, inf]
}

TEST(Usl, PeakUnboundedWhenTheDataShowNoRetrograde) {
  // Amdahl-shaped data: most resamples fit kappa = 0, so the peak has no upper bound.
  std::vector<UslObservation> data;
  for (double n : {1.0, 2.0, 3.0, 4.0}) {
    for (double jitter : {0.99, 1.0, 1.01}) {
      data.push_back({n, UslParameters{10.0, 0.2, 0.0}.throughput(n) * jitter});
    }
  }
  const auto ci = stats::bootstrap_usl(data, {200, 0.95, 3});
  EXPECT_TRUE(std::isinf(ci.peak_n.upper));
}

TEST(Usl, RejectsTooFewLevelsAndBadValues) {
  EXPECT_THROW(stats::fit_usl(exact({1, 0, 0}, {1, 2})), stats::StatsError);
  std::vector<UslObservation> bad = {{1, 10}, {2, 19}, {0.5, 5}};
  EXPECT_THROW(stats::fit_usl(bad), stats::StatsError);
  bad = {{1, 10}, {2, 0}, {4, 30}};
  EXPECT_THROW(stats::fit_usl(bad), stats::StatsError);
  bad = {{1, 10}, {2, 19}, {4, NAN}};
  EXPECT_THROW(stats::fit_usl(bad), stats::StatsError);
  EXPECT_THROW(stats::bootstrap_usl(exact({1, 0, 0}, {1, 2, 4}), {10, 0.95, 1}), stats::StatsError);
}

}  // namespace
