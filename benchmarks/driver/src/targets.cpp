#include "driver/targets.hpp"

#include <algorithm>
#include <cmath>

#include "bench_names.hpp"

namespace legion::driver {
namespace {

const double kAaBound = std::log(1.05);

std::optional<double> mean_half_width(const Geomean& g, const std::string& baseline) {
  if (g.framework == baseline || g.regime == legion::bench::kColdStart || !g.lower || !g.upper ||
      *g.lower <= 0 || *g.upper <= 0) {
    return std::nullopt;
  }
  return (std::log(*g.upper) - std::log(*g.lower)) / 2;
}

}  // namespace

std::vector<RowTarget> replication_targets(const ComparisonView& v, const std::string& baseline,
                                           double precision) {
  std::vector<RowTarget> out;
  for (const ComparisonRow& r : v.rows) {
    if (r.status != "compared" || !r.rel_half_width) continue;
    const double level = r.level.value_or(0.95);
    if (!r.aa_control) {
      if (!r.precise) {
        out.push_back({r.framework, r.benchmark, *r.rel_half_width, 0.9 * precision,
                       r.verdict == "inconclusive" ? 4.0 : 1.0, level});
      }
      continue;
    }
    // An A/A row that cannot show its ratio inside the bounds yet: narrow it until it can.
    for (const AaFramework& f : v.aa) {
      if (f.framework != r.framework || f.state != "straddles" || !r.ratio) continue;
      const double room = kAaBound - std::fabs(std::log(*r.ratio));
      out.push_back(
          {r.framework, r.benchmark, *r.rel_half_width, std::max(room, 0.005), 4.0, level});
    }
  }
  for (const Geomean& g : v.geomeans) {
    const auto h = mean_half_width(g, baseline);
    if (h && *h > precision) {
      out.push_back(
          {g.framework, "@" + g.regime, *h, 0.9 * precision, 2.0, g.level.value_or(0.95)});
    }
  }
  return out;
}

bool targets_met(const ComparisonView& v, const std::string& baseline, double precision) {
  for (const ComparisonRow& r : v.rows) {
    if (!r.aa_control && r.status == "compared" && !r.precise) return false;
  }
  for (const AaFramework& f : v.aa) {
    if (f.state == "straddles") return false;
  }
  for (const Geomean& g : v.geomeans) {
    const auto h = mean_half_width(g, baseline);
    if (h && *h > precision) return false;
  }
  return true;
}

}  // namespace legion::driver
