#pragma once
// The search for the highest sustained arrival rate at which a system meets its limits:
// a ramp (the rate multiplied by `growth` while trials pass), a step down (halving) when the
// first rate already fails, then bisection (geometric: rates span decades) between the last
// rate that passed and the first that failed, until they are within `resolution`. Then a
// confirmation: the measurement run at the rate found, stepping down by `confirm_factor` when
// it fails, at most `confirm_attempts` times. The trial is a callback, so the search is
// tested without running anything.
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace industry {

struct SearchOptions {
  double start_rate = 2.0;  // arrivals per second
  double max_rate = 5000.0;
  double min_rate = 0.25;  // no pass at or above it: no sustainable rate
  double growth = 2.0;
  double resolution = 0.1;  // stop bisecting when high / low <= 1 + resolution
  int max_bisections = 6;
  // A longer window can reveal a queue the search's short ones hid: step down by 20% at most
  // three times.
  int confirm_attempts = 4;
  double confirm_factor = 0.8;
};

struct SearchStep {
  double rate = 0.0;
  bool pass = false;
  std::string phase;  // ramp, step_down, bisect, measure
};

struct SearchResult {
  std::optional<double> best;        // the confirmed rate; nullopt: none sustainable
  std::optional<double> first_fail;  // lowest rate seen to fail (nullopt: max_rate passed)
  std::vector<SearchStep> steps;
};

// trial(rate, phase) -> whether every limit was met at `rate`.
using Trial = std::function<bool(double rate, const std::string& phase)>;

// `search` runs the ramp, step down and bisection phases; `measure` the confirmation (it may
// be the same callback with a longer window).
SearchResult search_rate(const SearchOptions& options, const Trial& search, const Trial& measure);

// Throws std::invalid_argument on inconsistent options (a rate <= 0, growth <= 1, ...).
void validate(const SearchOptions& options);

}  // namespace industry
