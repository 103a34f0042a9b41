#include "driver/duration.hpp"

#include <cmath>
#include <cstdio>

namespace legion::driver {

std::optional<double> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double total = 0.0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    const std::size_t start = i;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
    if (i == start) return std::nullopt;
    const std::string number(text.substr(start, i - start));
    char* end = nullptr;
    const double value = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || !std::isfinite(value)) return std::nullopt;
    double unit = 1.0;
    if (i < text.size()) {
      switch (text[i]) {
        case 'h':
          unit = 3600.0;
          break;
        case 'm':
          unit = 60.0;
          break;
        case 's':
          unit = 1.0;
          break;
        default:
          return std::nullopt;
      }
      ++i;
    } else if (any) {
      return std::nullopt;  // "1m30": a bare number only on its own
    }
    total += value * unit;
    any = true;
  }
  return total;
}

std::string format_duration(double seconds) {
  char out[32];
  if (seconds < 10.0) {
    std::snprintf(out, sizeof out, "%.1fs", std::max(seconds, 0.0));
    return out;
  }
  const long s = std::lround(seconds);
  if (s < 60) {
    std::snprintf(out, sizeof out, "%lds", s);
  } else if (s < 3600) {
    std::snprintf(out, sizeof out, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(out, sizeof out, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
  }
  return out;
}

}  // namespace legion::driver
