// overload (bus_overload): the arrival rate multiplied by `factor` between inject and heal.
// The load's stages are reshaped before the run (the generator computes exact arrival times
// from them), so inject and heal only mark moments the schedule already holds. With consumers
// of a known capacity (bus.consume_us), what is judged is the system's answer: backpressure
// (a full mailbox blocks the publisher) or the counted drop of arrivals beyond max_backlog,
// memory that stays bounded, and throughput back at the baseline once the rate falls.
#include <algorithm>

#include "injectors.hpp"

namespace stress::faults {
namespace {

class Overload final : public FaultInjector {
 public:
  const char* name() const override { return "overload"; }

  void shape_load(ScenarioConfig& config, const ScheduledFault& fault) override {
    factor_ = fault.spec.factor;
    const double t0 = fault.inject_s, t1 = fault.heal_s;
    std::vector<Stage> shaped;
    double t = 0.0;
    for (const auto& s : config.stages) {
      const double a = t, b = t + s.duration_s;
      std::vector<double> cuts = {a, b};
      for (double cut : {t0, t1}) {
        if (cut > a && cut < b) cuts.push_back(cut);
      }
      std::sort(cuts.begin(), cuts.end());
      for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
        const double x = cuts[i], y = cuts[i + 1];
        const bool inside = x >= t0 - 1e-9 && y <= t1 + 1e-9;
        // A step up and back down: only the original stage's first piece keeps its ramp.
        shaped.push_back(
            {s.rate * (inside ? factor_ : 1.0), y - x, x == a ? std::min(s.ramp_s, y - x) : 0.0});
      }
      t = b;
    }
    config.stages = shaped;
    peak_ = 0;
    for (const auto& s : shaped) peak_ = std::max(peak_, s.rate);
  }

  void inject(FaultContext&, const ScheduledFault&) override {}
  void heal(FaultContext&, const ScheduledFault&) override {}

  nlohmann::json describe() const override {
    return {
        {"method", "arrival rate x factor between inject and heal (stages shaped before the run)"},
        {"factor", factor_},
        {"peak_rate_per_s", peak_}};
  }

 private:
  double factor_ = 1.0, peak_ = 0.0;
};

}  // namespace

std::unique_ptr<FaultInjector> make_overload() {
  return std::make_unique<Overload>();
}

}  // namespace stress::faults
