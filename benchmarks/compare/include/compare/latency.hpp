#pragma once

// The latency regime's figures, per benchmark and framework (the baseline included), where the
// files carry legion-bench's latency counters: the wall time per iteration, the critical-path
// model time of the case, the wall ratios against the baseline and against `direct` (the
// floor), and the coordination overhead
//   (wall - critical-path model time) / critical-path model time
// with its interval. docs/comparison.md, "Model latency: coordination overhead".

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stats/interval.hpp"
#include "stats/ratio_inference.hpp"

namespace legion::compare {

// A wall ratio with the interval it was decided on, taken from a Row (framework / reference).
struct RatioWithCi {
  double ratio = 0.0;
  stats::Interval interval;
  std::string verdict_text;
};

// One framework's coordination overhead on one benchmark. W_p are its processes' mean wall
// times per iteration and C the critical-path model time: nominal (the latency draws the case
// must wait one after another, computed by legion-bench), so known exactly. The overhead is
// GM(W) / C - 1 (GM: the geometric mean of the process means, as in the ratios), and its
// interval is Banerjee's with the C side exact (stats::log_scale_to_constant: the Student t
// interval of mean(log W_p)) mapped through exp(.) - 1, at the level of the framework's
// overhead family (1 - alpha / (k looks), k = its overhead intervals).
struct Overhead {
  double value = 0.0;        // a fraction: 0.12 = 12%
  stats::Interval interval;  // of the fraction
  stats::LogScale log;       // d = log(GM(W) / C), var_b the variance of log W_p
};

struct LatencyLine {
  std::string benchmark;
  std::string scenario;
  std::string point;
  std::string regime;
  std::string framework;
  // "measured" (overhead computed), "not_measured" (reason: the counters are missing, zero or
  // inconsistent), "unsupported", "failed", "missing" (not in the framework's files).
  std::string status = "measured";
  std::string reason;
  std::size_t processes = 0;
  std::optional<double> wall_ns;  // geometric mean of the process means
  std::optional<double> critical_path_ns;
  std::optional<double> latency_sum_ns;    // model_latency_ns: all calls' draws, summed
  std::optional<RatioWithCi> vs_baseline;  // none for the baseline itself or a row without ratio
  std::optional<RatioWithCi> vs_direct;    // none for direct, without direct's processes, ...
  std::optional<Overhead> overhead;        // status "measured" only
  std::vector<std::string> flags;
};

struct LatencyTable {
  std::string reference;  // "direct" when its processes are among the inputs, else ""
  // Per framework: its overhead intervals (k of its family) and its rows against direct (the
  // family of its vs_direct intervals, as `legion-compare --baseline direct` decides them).
  std::map<std::string, std::size_t> overhead_family;
  std::map<std::string, std::size_t> direct_family;
  std::vector<LatencyLine> lines;  // by regime and benchmark, then framework (baseline first)
  [[nodiscard]] bool empty() const { return lines.empty(); }
};

}  // namespace legion::compare
