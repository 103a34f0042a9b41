#pragma once
// Durations on the command line and in progress lines: "10m", "90s", "1h30m", "2m30s", "45"
// (seconds), "0.5s".
#include <optional>
#include <string>
#include <string_view>

namespace legion::driver {

// Seconds, or nullopt when `text` is not a duration (empty, negative, unknown unit, trailing
// characters).
std::optional<double> parse_duration(std::string_view text);

// "3m05s", "42s", "1h02m", "0.4s": whole seconds above 10 s.
std::string format_duration(double seconds);

}  // namespace legion::driver
