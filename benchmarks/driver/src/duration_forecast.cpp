#include "driver/duration_forecast.hpp"

#include <algorithm>

namespace legion::driver {

double forecast_s(const std::vector<MeasuredProcess>& so_far, const std::string& framework,
                  const std::string& kind, double predicted_s) {
  // The largest ratio, not a typical one: the forecast decides whether a process may end past
  // the budget, and one underestimate is what made a run overrun it.
  double worst = 1.0;
  for (const MeasuredProcess& p : so_far) {
    if (p.framework != framework || p.kind != kind || p.predicted_s <= 0) continue;
    worst = std::max(worst, p.wall_s / p.predicted_s);
  }
  return predicted_s * worst;
}

}  // namespace legion::driver
