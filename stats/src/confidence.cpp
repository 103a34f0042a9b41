#include "stats/confidence.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

#include "check.hpp"

namespace stats {

namespace {

double t_quantile(double df, double level) {
  return boost::math::quantile(boost::math::students_t_distribution<double>(df),
                               1.0 - (1.0 - level) / 2.0);
}

}  // namespace

Interval t_interval_mean(std::span<const double> x, double level) {
  detail::require_level("t_interval_mean", level);
  const auto s = detail::sample_moments("t_interval_mean", x);
  const double half = t_quantile(s.n - 1.0, level) * std::sqrt(s.se2());
  return {s.mean - half, s.mean + half, level};
}

Interval fieller_ratio_interval(std::span<const double> a, std::span<const double> b,
                                double level) {
  detail::require_level("fieller_ratio_interval", level);
  const auto sa = detail::sample_moments("fieller_ratio_interval", a);
  const auto sb = detail::sample_moments("fieller_ratio_interval", b);
  if (sa.mean == 0.0) detail::fail("fieller_ratio_interval", "mean of the denominator sample is 0");
  const double ma = sa.mean;
  const double mb = sb.mean;
  const double va = sa.se2();
  const double vb = sb.se2();
  const double r = mb / ma;
  if (vb + r * r * va == 0.0) return {r, r, level};
  const double t = t_quantile(detail::welch_df(r * r * va, sa.n, vb, sb.n), level);
  const double t2 = t * t;
  // (mb - theta ma)^2 <= t^2 (vb + theta^2 va), a quadratic in theta.
  const double g = ma * ma - t2 * va;
  if (g <= 0.0) {
    const double inf = std::numeric_limits<double>::infinity();
    return {-inf, inf, level};
  }
  const double disc = t2 * (va * mb * mb + vb * ma * ma - t2 * va * vb);
  const double root = std::sqrt(std::max(0.0, disc));
  return {(ma * mb - root) / g, (ma * mb + root) / g, level};
}

Interval fieller_banerjee_ratio_interval(std::span<const double> a, std::span<const double> b,
                                         double level) {
  constexpr const char* kFunction = "fieller_banerjee_ratio_interval";
  detail::require_level(kFunction, level);
  const auto sa = detail::sample_moments(kFunction, a);
  const auto sb = detail::sample_moments(kFunction, b);
  if (sa.mean == 0.0) detail::fail(kFunction, "mean of the denominator sample is 0");
  const double ma = sa.mean;
  const double mb = sb.mean;
  const double r = mb / ma;
  const double ta2 = std::pow(t_quantile(sa.n - 1.0, level), 2) * sa.se2();
  const double tb2 = std::pow(t_quantile(sb.n - 1.0, level), 2) * sb.se2();
  if (ta2 + tb2 == 0.0) return {r, r, level};
  // (mb - theta ma)^2 <= tb2 + theta^2 ta2, a quadratic in theta.
  const double g = ma * ma - ta2;
  if (g <= 0.0) {
    const double inf = std::numeric_limits<double>::infinity();
    return {-inf, inf, level};
  }
  const double root = std::sqrt(std::max(0.0, mb * mb * ta2 + ma * ma * tb2 - ta2 * tb2));
  return {(ma * mb - root) / g, (ma * mb + root) / g, level};
}

Interval delta_ratio_interval(std::span<const double> a, std::span<const double> b, double level) {
  detail::require_level("delta_ratio_interval", level);
  const auto sa = detail::sample_moments("delta_ratio_interval", a);
  const auto sb = detail::sample_moments("delta_ratio_interval", b);
  if (!(sa.mean > 0.0 && sb.mean > 0.0)) {
    detail::fail("delta_ratio_interval", "both means must be > 0");
  }
  const double r = sb.mean / sa.mean;
  // Squared coefficients of variation of the two means: the variance of log r, by parts.
  const double ca = sa.se2() / (sa.mean * sa.mean);
  const double cb = sb.se2() / (sb.mean * sb.mean);
  if (ca + cb == 0.0) return {r, r, level};
  const double half = t_quantile(detail::welch_df(ca, sa.n, cb, sb.n), level) * std::sqrt(ca + cb);
  return {r * std::exp(-half), r * std::exp(half), level};
}

}  // namespace stats
