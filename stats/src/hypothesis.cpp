#include "stats/hypothesis.hpp"

#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "check.hpp"

namespace stats {

namespace {

using detail::fail;
using U128 = unsigned __int128;

double t_p_value(double t, double df, Alternative alternative) {
  const boost::math::students_t_distribution<double> dist(df);
  switch (alternative) {
    case Alternative::kLess:
      return boost::math::cdf(dist, t);
    case Alternative::kGreater:
      return boost::math::cdf(boost::math::complement(dist, t));
    case Alternative::kTwoSided:
      break;
  }
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(t))));
}

double normal_sf(double z) {
  return boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), z));
}

TTestResult finish_t(const char* function, double diff, double se, double df,
                     Alternative alternative) {
  if (!(se > 0.0)) fail(function, "zero variance: the data are constant, t is undefined");
  const double t = diff / se;
  return {t, df, t_p_value(t, df, alternative), diff};
}

// Mid-ranks (1-based) of `values`; also returns sum over tie groups of t^3 - t.
std::vector<double> midranks(std::span<const double> values, double& tie_term) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t i, std::size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(values.size());
  tie_term = 0.0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i + 1;
    while (j < order.size() && values[order[j]] == values[order[i]]) ++j;
    const double rank = (static_cast<double>(i) + static_cast<double>(j) + 1.0) / 2.0;
    for (std::size_t k = i; k < j; ++k) ranks[order[k]] = rank;
    const auto t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  return ranks;
}

// Counts of U = 0..m n over all C(m+n, m) arrangements: the coefficients of the Gaussian
// binomial [m+n, m]_q = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). The arithmetic is modulo
// 2^128, which is exact because every final coefficient is below C(m+n, m) < 2^127.
std::vector<U128> mann_whitney_counts(std::size_t m, std::size_t n) {
  if (m > n) std::swap(m, n);
  std::vector<U128> c(m * n + 1, 0);
  c[0] = 1;
  for (std::size_t i = 1; i <= m; ++i) {
    const std::size_t top = i * n;  // degree after this step
    for (std::size_t k = top; k >= n + i; --k) c[k] -= c[k - n - i];
    for (std::size_t k = i; k <= top; ++k) c[k] += c[k - i];
  }
  return c;
}

bool exact_fits(std::size_t m, std::size_t n) {
  const double log2_total =
      (std::lgamma(static_cast<double>(m + n) + 1.0) - std::lgamma(static_cast<double>(m) + 1.0) -
       std::lgamma(static_cast<double>(n) + 1.0)) /
      std::log(2.0);
  return log2_total < 126.0;
}

// P(U >= u) under H0 from the exact counts.
double exact_sf(const std::vector<U128>& counts, double u) {
  U128 total = 0;
  U128 tail = 0;
  const auto from = static_cast<std::size_t>(std::max(0.0, std::ceil(u)));
  for (std::size_t k = 0; k < counts.size(); ++k) {
    total += counts[k];
    if (k >= from) tail += counts[k];
  }
  return static_cast<double>(static_cast<long double>(tail) / static_cast<long double>(total));
}

}  // namespace

TTestResult welch_t_test(std::span<const double> x, std::span<const double> y,
                         Alternative alternative) {
  const auto mx = detail::sample_moments("welch_t_test", x);
  const auto my = detail::sample_moments("welch_t_test", y);
  return finish_t("welch_t_test", mx.mean - my.mean, std::sqrt(mx.se2() + my.se2()),
                  detail::welch_df(mx.se2(), mx.n, my.se2(), my.n), alternative);
}

TTestResult student_t_test(std::span<const double> x, std::span<const double> y,
                           Alternative alternative) {
  const auto mx = detail::sample_moments("student_t_test", x);
  const auto my = detail::sample_moments("student_t_test", y);
  const double df = mx.n + my.n - 2.0;
  const double pooled = (mx.m2 + my.m2) / df;
  return finish_t("student_t_test", mx.mean - my.mean,
                  std::sqrt(pooled * (1.0 / mx.n + 1.0 / my.n)), df, alternative);
}

TTestResult paired_t_test(std::span<const double> x, std::span<const double> y,
                          Alternative alternative) {
  if (x.size() != y.size()) fail("paired_t_test", "samples have unequal lengths");
  detail::require_sample("paired_t_test", x, 2);
  detail::require_sample("paired_t_test", y, 2);
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - y[i];
  const auto md = detail::moments(d);
  const auto n = static_cast<double>(d.size());
  return finish_t("paired_t_test", md.mean, std::sqrt(md.m2 / (n - 1.0) / n), n - 1.0, alternative);
}

RankTestResult mann_whitney_u(std::span<const double> x, std::span<const double> y,
                              Alternative alternative, RankMethod method) {
  detail::require_sample("mann_whitney_u", x);
  detail::require_sample("mann_whitney_u", y);
  std::vector<double> all(x.begin(), x.end());
  all.insert(all.end(), y.begin(), y.end());
  double tie_term = 0.0;
  const auto ranks = midranks(all, tie_term);
  const std::size_t nx = x.size();
  const std::size_t ny = y.size();
  double rx = 0.0;
  for (std::size_t i = 0; i < nx; ++i) rx += ranks[i];
  const double fx = static_cast<double>(nx);
  const double fy = static_cast<double>(ny);
  const double u1 = rx - fx * (fx + 1.0) / 2.0;
  const double u2 = fx * fy - u1;

  const bool ties = tie_term > 0.0;
  bool exact = false;
  switch (method) {
    case RankMethod::kExact:
      if (!exact_fits(nx, ny)) fail("mann_whitney_u", "samples too large for the exact method");
      exact = true;
      break;
    case RankMethod::kAuto:
      exact = std::min(nx, ny) <= 8 && !ties && exact_fits(nx, ny);
      break;
    case RankMethod::kAsymptotic:
      break;
  }
  // scipy's choice of tail statistic: U of x for "greater", of y for "less", the larger for
  // two-sided (then doubled).
  const double u = alternative == Alternative::kGreater ? u1
                   : alternative == Alternative::kLess  ? u2
                                                        : std::max(u1, u2);
  RankTestResult r;
  r.statistic = u1;
  r.exact = exact;
  double p = 0.0;
  if (exact) {
    r.z = std::numeric_limits<double>::quiet_NaN();
    p = exact_sf(mann_whitney_counts(nx, ny), u);
  } else {
    const double n = fx + fy;
    const double sigma = std::sqrt(fx * fy / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0))));
    if (!(sigma > 0.0)) {
      r.z = 0.0;
      r.p_value = 1.0;
      return r;
    }
    r.z = (u - fx * fy / 2.0 - 0.5) / sigma;
    p = normal_sf(r.z);
  }
  if (alternative == Alternative::kTwoSided) p *= 2.0;
  r.p_value = std::clamp(p, 0.0, 1.0);
  return r;
}

RankTestResult wilcoxon_signed_rank(std::span<const double> x, std::span<const double> y,
                                    Alternative alternative, RankMethod method) {
  if (x.size() != y.size()) fail("wilcoxon_signed_rank", "samples have unequal lengths");
  detail::require_sample("wilcoxon_signed_rank", x);
  detail::require_sample("wilcoxon_signed_rank", y);
  std::vector<double> d;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (x[i] != y[i]) d.push_back(x[i] - y[i]);
  }
  const bool zeros = d.size() != x.size();
  if (d.empty()) fail("wilcoxon_signed_rank", "all differences are zero");
  std::vector<double> abs_d(d.size());
  for (std::size_t i = 0; i < d.size(); ++i) abs_d[i] = std::abs(d[i]);
  double tie_term = 0.0;
  const auto ranks = midranks(abs_d, tie_term);
  double v = 0.0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (d[i] > 0.0) v += ranks[i];
  }
  const std::size_t n = d.size();
  const double fn = static_cast<double>(n);
  bool exact = false;
  switch (method) {
    case RankMethod::kExact:
      if (n > 63) fail("wilcoxon_signed_rank", "too many differences for the exact method");
      exact = true;
      break;
    case RankMethod::kAuto:
      exact = n < 50 && tie_term == 0.0 && !zeros;
      break;
    case RankMethod::kAsymptotic:
      break;
  }
  RankTestResult r;
  r.statistic = v;
  r.exact = exact;
  if (exact) {
    // counts[s] = number of subsets of {1..n} with rank sum s; below 2^63 for n <= 63.
    const std::size_t max_sum = n * (n + 1) / 2;
    std::vector<std::uint64_t> counts(max_sum + 1, 0);
    counts[0] = 1;
    for (std::size_t k = 1; k <= n; ++k) {
      for (std::size_t s = max_sum; s >= k; --s) counts[s] += counts[s - k];
    }
    long double total = 0.0L;
    long double upper = 0.0L;  // P(V >= v)
    long double lower = 0.0L;  // P(V <= v)
    for (std::size_t s = 0; s <= max_sum; ++s) {
      const auto c = static_cast<long double>(counts[s]);
      total += c;
      if (static_cast<double>(s) >= v) upper += c;
      if (static_cast<double>(s) <= v) lower += c;
    }
    const double p_upper = static_cast<double>(upper / total);
    const double p_lower = static_cast<double>(lower / total);
    r.z = std::numeric_limits<double>::quiet_NaN();
    switch (alternative) {
      case Alternative::kGreater:
        r.p_value = p_upper;
        break;
      case Alternative::kLess:
        r.p_value = p_lower;
        break;
      case Alternative::kTwoSided:
        r.p_value = std::min(1.0, 2.0 * (v > fn * (fn + 1.0) / 4.0 ? p_upper : p_lower));
        break;
    }
    return r;
  }
  const double centered = v - fn * (fn + 1.0) / 4.0;
  const double sigma = std::sqrt(fn * (fn + 1.0) * (2.0 * fn + 1.0) / 24.0 - tie_term / 48.0);
  if (!(sigma > 0.0)) {
    r.z = 0.0;
    r.p_value = 1.0;
    return r;
  }
  // R's continuity correction: half a unit toward the null, on the tested side.
  double correction = 0.5;
  if (alternative == Alternative::kLess) correction = -0.5;
  if (alternative == Alternative::kTwoSided) correction = centered > 0 ? 0.5 : -0.5;
  r.z = (centered - correction) / sigma;
  switch (alternative) {
    case Alternative::kGreater:
      r.p_value = normal_sf(r.z);
      break;
    case Alternative::kLess:
      r.p_value = normal_sf(-r.z);
      break;
    case Alternative::kTwoSided:
      r.p_value = std::min(1.0, 2.0 * normal_sf(std::abs(r.z)));
      break;
  }
  return r;
}

}  // namespace stats
