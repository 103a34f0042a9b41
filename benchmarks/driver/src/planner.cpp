#include "driver/planner.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <iterator>
#include <numeric>
#include <set>

namespace legion::driver {
namespace {

double variance(const std::vector<double>& x) {
  if (x.size() < 2) return 0.0;
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return ss / static_cast<double>(x.size() - 1);
}

// Below this a narrowing is not worth a process (a tenth of a percent of half-width, summed
// over the rows the process serves).
constexpr double kMinGain = 1e-3;

// The narrowing that counts: from h down to the target, not below it.
double gain(double h, double h_after, double target) {
  return std::max(h - target, 0.0) - std::max(h_after - target, 0.0);
}

// The two-sided Student quantile of an interval at `level` with `df` degrees of freedom.
double t_quantile(double df, double level) {
  if (df < 1) df = 1;
  const boost::math::students_t_distribution<double> t(df);
  return boost::math::quantile(t, 1.0 - (1.0 - std::clamp(level, 0.5, 1.0 - 1e-12)) / 2.0);
}

struct Tracked {
  const RowTarget* target;
  const SideModel* base;
  const SideModel* cand;
  std::size_t add_base = 0, add_cand = 0;
  double h(std::size_t extra_base, std::size_t extra_cand) const {
    return predicted_half_width(target->rel_half_width, *base, add_base + extra_base, *cand,
                                add_cand + extra_cand, target->level);
  }
};

}  // namespace

double side_variance(const SideModel& side) {
  // A variance from a few processes is itself noisy, and a side that happened to look quiet
  // would never get another process: shrunk towards the framework's typical spread with the
  // weight of kPriorDf degrees of freedom.
  constexpr double kPriorDf = 2.0;
  const double df = side.log_means.size() > 1 ? static_cast<double>(side.log_means.size() - 1) : 0;
  return (df * variance(side.log_means) + kPriorDf * side.prior_variance) / (df + kPriorDf);
}

double predicted_half_width(double h, const SideModel& baseline, std::size_t add_baseline,
                            const SideModel& candidate, std::size_t add_candidate, double level) {
  const double nb = static_cast<double>(std::max<std::size_t>(baseline.log_means.size(), 2));
  const double nc = static_cast<double>(std::max<std::size_t>(candidate.log_means.size(), 2));
  double vb = side_variance(baseline), vc = side_variance(candidate);
  if (vb <= 0 && vc <= 0) vb = vc = 1.0;  // no spread anywhere: only the counts matter
  // Banerjee's half-width, each side with its own t quantile (what legion-compare prints): a
  // side with few processes gains both from n and from its quantile falling.
  auto half = [&](double b, double c) {
    const double tb = t_quantile(b - 1, level), tc = t_quantile(c - 1, level);
    return std::sqrt(tb * tb * vb / b + tc * tc * vc / c);
  };
  const double now = half(nb, nc);
  const double then =
      half(nb + static_cast<double>(add_baseline), nc + static_cast<double>(add_candidate));
  return now > 0 ? h * then / now : h;
}

double typical_variance(const FrameworkModel& model) {
  std::vector<double> v;
  for (const auto& [name, side] : model.rows) {
    if (side.log_means.size() >= 3 && !model.bundles.contains(name)) {
      v.push_back(variance(side.log_means));
    }
  }
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

std::vector<PlannedProcess> plan_round(const PlanRequest& request) {
  const std::set<std::string> always(request.always.begin(), request.always.end());
  std::vector<Tracked> tracked;
  for (const RowTarget& row : request.rows) {
    const auto base = request.frameworks.find(request.baseline);
    const auto cand = request.frameworks.find(row.framework);
    if (base == request.frameworks.end() || cand == request.frameworks.end()) continue;
    const auto b = base->second.rows.find(row.row);
    const auto c = cand->second.rows.find(row.row);
    if (b == base->second.rows.end() || c == cand->second.rows.end()) continue;
    tracked.push_back({&row, &b->second, &c->second});
  }
  using Rows = std::set<std::string>;
  struct Slot {
    Rows rows;
    double predicted_s = 0;
  };
  std::map<std::string, std::vector<Slot>> planned;
  auto members = [](const FrameworkModel& m, const std::string& name) {
    const auto it = m.bundles.find(name);
    return it == m.bundles.end() ? Rows{name} : Rows(it->second.begin(), it->second.end());
  };
  auto cost_of = [](const FrameworkModel& m, const Rows& rows) {
    double s = 0;
    for (const std::string& r : rows) {
      if (const auto it = m.rows.find(r); it != m.rows.end() && !m.bundles.contains(r)) {
        s += it->second.cost_s;
      }
    }
    return s;
  };
  // What a process that held `before` gains by running `added` too: those rows, and every
  // bundle it completes (a process that ran a whole regime enters its geometric mean).
  auto gained = [&](const FrameworkModel& m, const Rows& before, const Rows& added) {
    Rows out = added;
    Rows after = before;
    after.insert(added.begin(), added.end());
    for (const auto& [name, rows] : m.bundles) {
      const auto in = [](const Rows& set) {
        return [&set](const std::string& r) { return set.contains(r); };
      };
      if (std::all_of(rows.begin(), rows.end(), in(after)) &&
          !std::all_of(rows.begin(), rows.end(), in(before))) {
        out.insert(name);
      }
    }
    return out;
  };
  auto gain_of = [&](const std::string& framework, const Rows& rows) {
    const bool is_base = framework == request.baseline;
    double total = 0;
    for (const Tracked& t : tracked) {
      if (!rows.contains(t.target->row)) continue;
      if (!is_base && t.target->framework != framework) continue;
      total += t.target->weight *
               gain(t.h(0, 0), t.h(is_base ? 1 : 0, is_base ? 0 : 1), t.target->target);
    }
    return total;
  };
  auto apply = [&](const std::string& framework, const Rows& rows) {
    const bool is_base = framework == request.baseline;
    for (Tracked& t : tracked) {
      if (!rows.contains(t.target->row)) continue;
      if (is_base) {
        ++t.add_base;
      } else if (t.target->framework == framework) {
        ++t.add_cand;
      }
    }
  };

  double left = request.allowance_s;
  for (;;) {
    double best_score = 0, best_cost = 0;
    std::string best_framework;
    Rows best_rows;             // what the chosen addition gains (rows and completed bundles)
    Rows best_added;            // the rows it adds to the process
    Slot* best_slot = nullptr;  // nullptr: a new process
    auto consider = [&](const std::string& framework, Slot* slot, Rows added, double cost) {
      const FrameworkModel& m = request.frameworks.at(framework);
      Rows before = slot ? slot->rows : Rows{};
      if (!slot) {  // a new process: its start, and the rows every process runs
        cost += m.fixed_s + cost_of(m, always);
        added.insert(always.begin(), always.end());
      }
      const Rows rows = gained(m, before, added);
      const double g = gain_of(framework, rows);
      if (g < kMinGain || cost > left) return;
      const double score = g / std::max(cost, 1e-3);
      if (score <= best_score) return;
      best_score = score;
      best_cost = cost;
      best_framework = framework;
      best_rows = rows;
      best_added = std::move(added);
      best_slot = slot;
    };
    for (const auto& entry : request.frameworks) {
      // Not a structured binding: clang (14, clang-tidy's) cannot capture one in a lambda.
      const std::string& framework = entry.first;
      const auto& model = entry.second;
      // A process with nothing but the rows every process runs: for the A/A rows alone.
      consider(framework, nullptr, {}, 0);
      for (const auto& [name, side] : model.rows) {
        if (always.contains(name)) continue;
        const Rows wanted = members(model, name);
        // A bundle with a row this framework has no samples of cannot be completed.
        if (std::any_of(wanted.begin(), wanted.end(),
                        [&](const std::string& r) { return !model.rows.contains(r); })) {
          continue;
        }
        Slot* slot = nullptr;
        for (Slot& p : planned[framework]) {
          if (!std::includes(p.rows.begin(), p.rows.end(), wanted.begin(), wanted.end())) {
            slot = &p;
            break;
          }
        }
        Rows added;
        std::set_difference(wanted.begin(), wanted.end(), slot ? slot->rows.begin() : wanted.end(),
                            slot ? slot->rows.end() : wanted.end(),
                            std::inserter(added, added.end()));
        consider(framework, slot, added, cost_of(model, added));
      }
    }
    if (best_framework.empty()) break;
    if (best_slot == nullptr) {
      planned[best_framework].push_back({});
      best_slot = &planned[best_framework].back();
    }
    best_slot->rows.insert(best_added.begin(), best_added.end());
    best_slot->predicted_s += best_cost;
    apply(best_framework, best_rows);
    left -= best_cost;
  }
  std::vector<PlannedProcess> out;
  for (auto& [framework, slots] : planned) {
    for (Slot& slot : slots) {
      PlannedProcess p{framework, {}, slot.predicted_s};
      for (const std::string& r : slot.rows) {
        if (!always.contains(r)) p.rows.push_back(r);
      }
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace legion::driver
