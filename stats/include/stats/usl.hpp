#pragma once
// The Universal Scalability Law (Gunther, "Guerrilla Capacity Planning", 2007):
//
//   X(N) = lambda N / (1 + sigma (N - 1) + kappa N (N - 1))
//
// throughput X at concurrency N (threads, processes, nodes); lambda is the throughput of one
// instance without contention, sigma >= 0 the contention (the serialised share: Amdahl's law
// when kappa = 0), kappa >= 0 the coherency delay (pairwise exchanges: throughput falls past
// the peak N* = sqrt((1 - sigma) / kappa)).
//
// Fitted by nonlinear least squares on the raw (N, X) observations, several per N: lambda is
// profiled out (for fixed sigma, kappa the best lambda is linear least squares), the
// two-dimensional residual sum is minimised over sigma, kappa >= 0 by a log-spaced grid and
// Nelder-Mead refinement. Confidence intervals come from a percentile bootstrap that resamples
// the repeated measurements within each N (the levels stay fixed, as the design fixed them).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "stats/interval.hpp"

namespace stats {

struct UslObservation {
  double n = 1.0;           // concurrency, >= 1
  double throughput = 0.0;  // > 0
};

struct UslParameters {
  double lambda = 0.0;
  double sigma = 0.0;
  double kappa = 0.0;
  // X(n) under these parameters.
  [[nodiscard]] double throughput(double n) const;
  // The concurrency of the highest throughput: sqrt((1 - sigma) / kappa); nullopt when kappa
  // is 0 (throughput rises for ever, towards lambda / sigma) or sigma >= 1 (N = 1 is best).
  [[nodiscard]] std::optional<double> peak_n() const;
};

struct UslFit {
  UslParameters parameters;
  double sse = 0.0;        // residual sum of squares
  double r_squared = 0.0;  // 1 - sse / total sum of squares about the mean
  std::size_t observations = 0;
};

// Throws StatsError with fewer than 3 distinct N, an N < 1, or a throughput <= 0 or not finite.
UslFit fit_usl(std::span<const UslObservation> data);

struct UslIntervals {
  UslFit fit;
  Interval lambda, sigma, kappa;
  // Over the resamples whose fit has a peak; `peak_share` says how many had one (a share below
  // the level means the data cannot bound the peak: the interval is then [lower, +inf]).
  Interval peak_n;
  double peak_share = 0.0;
  std::size_t resamples = 0;
};

struct UslBootstrapOptions {
  std::size_t resamples = 1000;
  double level = 0.95;
  std::uint64_t seed = 0x5EED'0051'0000'0001ULL;
};

// fit_usl plus percentile intervals; needs at least 2 observations at some N (else a resample
// equals the data and the interval is a point, which is reported as such).
UslIntervals bootstrap_usl(std::span<const UslObservation> data,
                           const UslBootstrapOptions& options = {});

}  // namespace stats
