#include "stress/fault_schedule.hpp"

#include <algorithm>
#include <numeric>

#include "legion/splitmix64.hpp"

namespace stress {

FaultsConfig scale_faults(const FaultsConfig& faults, double factor) {
  FaultsConfig f = faults;
  for (auto& e : f.events) e.duration_s = std::max(e.min_duration_s, e.duration_s * factor);
  f.baseline_s = std::max(f.min_baseline_s, f.baseline_s * factor);
  // Recovery is judged in real seconds after each heal: the next fault waits for it.
  f.spacing_s = std::max(f.settle_s, f.spacing_s * factor);
  f.jitter_s *= factor;
  return f;
}

double faults_span_s(const FaultsConfig& faults) {
  if (faults.empty()) return 0.0;
  double t = faults.baseline_s;
  for (const auto& e : faults.events) t += faults.jitter_s + e.duration_s + faults.spacing_s;
  return t - faults.spacing_s + faults.settle_s;
}

std::vector<ScheduledFault> draw_schedule(const FaultsConfig& faults, int workers,
                                          std::uint64_t seed) {
  // One stream for the whole schedule, derived from the run's seed (and only from it), so a
  // schedule is replayed by running again with the same seed.
  legion::SplitMix64 rng(legion::mix64(seed ^ 0xFA17'5C4E'D01E'0001ULL));
  std::vector<ScheduledFault> out;
  double t = faults.baseline_s;
  for (std::size_t i = 0; i < faults.events.size(); ++i) {
    ScheduledFault s;
    s.index = i;
    s.spec = faults.events[i];
    const double u = static_cast<double>(rng.next() >> 11) / static_cast<double>(1ULL << 53);
    s.inject_s = t + u * faults.jitter_s;
    s.heal_s = s.inject_s + s.spec.duration_s;
    // Distinct targets: the first `count` of a seeded Fisher-Yates shuffle.
    std::vector<int> all(static_cast<std::size_t>(std::max(workers, 0)));
    std::iota(all.begin(), all.end(), 0);
    const auto count = std::min<std::size_t>(static_cast<std::size_t>(s.spec.count), all.size());
    for (std::size_t k = 0; k < count; ++k) {
      const auto j = k + static_cast<std::size_t>(rng.below(all.size() - k));
      std::swap(all[k], all[j]);
    }
    s.targets.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count));
    s.seed = rng.next();
    t = s.heal_s + faults.spacing_s;
    out.push_back(std::move(s));
  }
  return out;
}

nlohmann::json to_json(const ScheduledFault& f) {
  return {{"index", f.index},
          {"type", f.spec.type},
          {"inject_s", f.inject_s},
          {"heal_s", f.heal_s},
          {"duration_s", f.spec.duration_s},
          {"targets", f.targets},
          {"seed", f.seed}};
}

}  // namespace stress
