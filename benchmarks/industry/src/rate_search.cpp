#include "industry/rate_search.hpp"

#include <cmath>
#include <stdexcept>

namespace industry {

void validate(const SearchOptions& o) {
  if (!(o.min_rate > 0) || !(o.start_rate >= o.min_rate) || !(o.max_rate >= o.start_rate)) {
    throw std::invalid_argument("rates must satisfy 0 < min-rate <= start-rate <= max-rate");
  }
  if (!(o.growth > 1.0)) throw std::invalid_argument("growth must be > 1");
  if (!(o.resolution > 0.0)) throw std::invalid_argument("resolution must be > 0");
  if (o.max_bisections < 0 || o.confirm_attempts < 1) {
    throw std::invalid_argument("bisections must be >= 0 and confirm attempts >= 1");
  }
  if (!(o.confirm_factor > 0.0 && o.confirm_factor < 1.0)) {
    throw std::invalid_argument("confirm factor must be in (0, 1)");
  }
}

SearchResult search_rate(const SearchOptions& o, const Trial& search, const Trial& measure) {
  validate(o);
  SearchResult result;
  auto run = [&](const Trial& trial, double rate, const char* phase) {
    const bool pass = trial(rate, phase);
    result.steps.push_back({rate, pass, phase});
    if (!pass && (!result.first_fail || rate < *result.first_fail)) result.first_fail = rate;
    return pass;
  };

  std::optional<double> low, high;
  double rate = o.start_rate;
  if (run(search, rate, "ramp")) {
    low = rate;
    while (rate < o.max_rate) {
      rate = std::min(rate * o.growth, o.max_rate);
      if (!run(search, rate, "ramp")) {
        high = rate;
        break;
      }
      low = rate;
    }
  } else {
    high = rate;
    for (rate /= 2.0; rate >= o.min_rate; rate /= 2.0) {
      if (run(search, rate, "step_down")) {
        low = rate;
        break;
      }
      high = rate;
    }
  }
  if (!low) return result;
  for (int i = 0; high && i<o.max_bisections&& * high / *low> 1.0 + o.resolution; ++i) {
    const double mid = std::sqrt(*low * *high);
    if (run(search, mid, "bisect")) {
      low = mid;
    } else {
      high = mid;
    }
  }
  rate = *low;
  for (int attempt = 0; attempt < o.confirm_attempts && rate >= o.min_rate; ++attempt) {
    if (run(measure, rate, "measure")) {
      result.best = rate;
      return result;
    }
    rate *= o.confirm_factor;
  }
  return result;
}

}  // namespace industry
