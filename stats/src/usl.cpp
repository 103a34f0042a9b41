#include "stats/usl.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "check.hpp"
#include "random.hpp"
#include "stats/quantile.hpp"

namespace stats {
namespace {

double denominator(double n, double sigma, double kappa) {
  return 1.0 + sigma * (n - 1.0) + kappa * n * (n - 1.0);
}

struct Profiled {
  double lambda = 0.0;
  double sse = std::numeric_limits<double>::infinity();
};

// For fixed sigma and kappa the model is linear in lambda: X_i = lambda f_i.
Profiled profile(std::span<const UslObservation> data, double sigma, double kappa) {
  double xf = 0.0, ff = 0.0, xx = 0.0;
  for (const auto& o : data) {
    const double f = o.n / denominator(o.n, sigma, kappa);
    xf += o.throughput * f;
    ff += f * f;
    xx += o.throughput * o.throughput;
  }
  Profiled p;
  if (ff <= 0.0) return p;
  p.lambda = xf / ff;
  p.sse = std::max(0.0, xx - xf * xf / ff);
  return p;
}

// sigma and kappa are kept non-negative by clamping what the simplex proposes.
double objective(std::span<const UslObservation> data, const std::array<double, 2>& v) {
  return profile(data, std::max(0.0, v[0]), std::max(0.0, v[1])).sse;
}

std::array<double, 2> nelder_mead(std::span<const UslObservation> data, std::array<double, 2> x0) {
  using Point = std::array<double, 2>;
  std::array<Point, 3> p = {x0, x0, x0};
  p[1][0] += std::max(x0[0] * 0.5, 1e-4);
  p[2][1] += std::max(x0[1] * 0.5, 1e-6);
  std::array<double, 3> f{};
  for (int i = 0; i < 3; ++i) f[i] = objective(data, p[i]);
  auto at = [](const Point& a, const Point& b, double t) {
    return Point{a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])};
  };
  for (int iteration = 0; iteration < 2000; ++iteration) {
    std::array<int, 3> order = {0, 1, 2};
    std::sort(order.begin(), order.end(), [&](int a, int b) { return f[a] < f[b]; });
    const int best = order[0], mid = order[1], worst = order[2];
    if (std::fabs(f[worst] - f[best]) <= 1e-14 * (std::fabs(f[best]) + 1e-300) &&
        std::fabs(p[worst][0] - p[best][0]) + std::fabs(p[worst][1] - p[best][1]) < 1e-12) {
      break;
    }
    const Point centroid = at(p[best], p[mid], 0.5);
    const Point reflected = at(centroid, p[worst], -1.0);
    const double fr = objective(data, reflected);
    if (fr < f[best]) {
      const Point expanded = at(centroid, p[worst], -2.0);
      const double fe = objective(data, expanded);
      if (fe < fr) {
        p[worst] = expanded, f[worst] = fe;
      } else {
        p[worst] = reflected, f[worst] = fr;
      }
    } else if (fr < f[mid]) {
      p[worst] = reflected, f[worst] = fr;
    } else {
      const Point contracted = at(centroid, p[worst], fr < f[worst] ? -0.5 : 0.5);
      const double fc = objective(data, contracted);
      if (fc < std::min(fr, f[worst])) {
        p[worst] = contracted, f[worst] = fc;
      } else {
        for (int i : {mid, worst}) {
          p[i] = at(p[best], p[i], 0.5);
          f[i] = objective(data, p[i]);
        }
      }
    }
  }
  const int best = static_cast<int>(std::min_element(f.begin(), f.end()) - f.begin());
  return {std::max(0.0, p[best][0]), std::max(0.0, p[best][1])};
}

void validate(std::span<const UslObservation> data) {
  std::set<double> levels;
  for (const auto& o : data) {
    if (!std::isfinite(o.n) || o.n < 1.0) detail::fail("fit_usl", "concurrency N must be >= 1");
    if (!std::isfinite(o.throughput) || o.throughput <= 0.0) {
      detail::fail("fit_usl", "throughput must be positive and finite");
    }
    levels.insert(o.n);
  }
  if (levels.size() < 3) {
    detail::fail("fit_usl", "needs at least 3 distinct concurrency levels, got " +
                                std::to_string(levels.size()));
  }
}

UslFit fit_unchecked(std::span<const UslObservation> data) {
  // A coarse log-spaced grid first: the residual surface has long flat valleys (sigma and
  // kappa trade off) where a simplex started anywhere can stall.
  std::vector<double> sigmas = {0.0}, kappas = {0.0};
  for (int i = 0; i <= 30; ++i) sigmas.push_back(std::pow(10.0, -6.0 + 7.0 * i / 30.0));
  for (int i = 0; i <= 30; ++i) kappas.push_back(std::pow(10.0, -9.0 + 9.0 * i / 30.0));
  std::array<double, 2> best = {0.0, 0.0};
  double best_sse = std::numeric_limits<double>::infinity();
  for (double s : sigmas) {
    for (double k : kappas) {
      const double sse = profile(data, s, k).sse;
      if (sse < best_sse) best_sse = sse, best = {s, k};
    }
  }
  const auto refined = nelder_mead(data, best);
  if (objective(data, refined) <= best_sse) best = refined;
  const Profiled p = profile(data, best[0], best[1]);
  UslFit fit;
  fit.parameters = {p.lambda, best[0], best[1]};
  fit.sse = p.sse;
  fit.observations = data.size();
  double mean = 0.0;
  for (const auto& o : data) mean += o.throughput;
  mean /= static_cast<double>(data.size());
  double total = 0.0;
  for (const auto& o : data) total += (o.throughput - mean) * (o.throughput - mean);
  fit.r_squared = total > 0.0 ? 1.0 - p.sse / total : 1.0;
  return fit;
}

}  // namespace

double UslParameters::throughput(double n) const {
  return lambda * n / denominator(n, sigma, kappa);
}

std::optional<double> UslParameters::peak_n() const {
  if (kappa <= 0.0 || sigma >= 1.0) return std::nullopt;
  return std::sqrt((1.0 - sigma) / kappa);
}

UslFit fit_usl(std::span<const UslObservation> data) {
  validate(data);
  return fit_unchecked(data);
}

UslIntervals bootstrap_usl(std::span<const UslObservation> data,
                           const UslBootstrapOptions& options) {
  validate(data);
  detail::require_level("bootstrap_usl", options.level);
  if (options.resamples < 100) detail::fail("bootstrap_usl", "needs at least 100 resamples");
  UslIntervals out;
  out.fit = fit_unchecked(data);
  out.resamples = options.resamples;
  std::map<double, std::vector<double>> by_level;
  for (const auto& o : data) by_level[o.n].push_back(o.throughput);

  detail::IndexSampler sample(options.seed);
  std::vector<double> lambdas, sigmas, kappas, peaks;
  std::vector<UslObservation> resample;
  resample.reserve(data.size());
  for (std::size_t r = 0; r < options.resamples; ++r) {
    resample.clear();
    for (const auto& [n, xs] : by_level) {
      for (std::size_t i = 0; i < xs.size(); ++i) resample.push_back({n, xs[sample(xs.size())]});
    }
    const UslFit f = fit_unchecked(resample);
    lambdas.push_back(f.parameters.lambda);
    sigmas.push_back(f.parameters.sigma);
    kappas.push_back(f.parameters.kappa);
    if (auto peak = f.parameters.peak_n()) peaks.push_back(*peak);
  }
  const double lo = (1.0 - options.level) / 2.0, hi = (1.0 + options.level) / 2.0;
  auto interval = [&](std::vector<double>& xs) {
    return Interval{quantile(xs, lo), quantile(xs, hi), options.level};
  };
  out.lambda = interval(lambdas);
  out.sigma = interval(sigmas);
  out.kappa = interval(kappas);
  out.peak_share = static_cast<double>(peaks.size()) / static_cast<double>(options.resamples);
  // A resample without a peak has its peak at infinity: it counts at the top of the order.
  const double inf = std::numeric_limits<double>::infinity();
  peaks.resize(options.resamples, inf);
  std::sort(peaks.begin(), peaks.end());
  auto type7 = [&](double p) {
    const double h = (static_cast<double>(peaks.size()) - 1.0) * p;
    const auto below = static_cast<std::size_t>(std::floor(h));
    const auto above = std::min(below + 1, peaks.size() - 1);
    if (std::isinf(peaks[above])) return std::isinf(peaks[below]) || h > below ? inf : peaks[below];
    return peaks[below] + (h - static_cast<double>(below)) * (peaks[above] - peaks[below]);
  };
  out.peak_n = {type7(lo), type7(hi), options.level};
  return out;
}

}  // namespace stats
