#include "legion/latency.hpp"

#include <charconv>
#include <cmath>
#include <numbers>
#include <string_view>

#include "legion/error.hpp"
#include "legion/splitmix64.hpp"

namespace legion {
namespace {

// A uniform in (0, 1]: never 0, so log() in Box-Muller stays finite.
double unit_interval(std::uint64_t bits) {
  return static_cast<double>((bits >> 11) + 1) * 0x1.0p-53;
}

// Durations beyond ~31 years are certainly typos; refusing them keeps every later
// multiplication (per-token cost x tokens) far from overflow.
constexpr double kMaxDurationNs = 1e18;

// Strict decimal: digits, optionally '.' and digits. No sign, exponent or spaces, so
// "fixed:-1ms" and "fixed:2 ms" are rejected rather than half-understood.
bool parse_decimal(std::string_view text, double& value) {
  if (text.empty()) return false;
  bool seen_digit = false;
  bool seen_dot = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      seen_digit = true;
    } else if (c == '.' && !seen_dot) {
      seen_dot = true;
    } else {
      return false;
    }
  }
  if (!seen_digit || text.back() == '.' || text.front() == '.') return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

bool try_parse_duration(std::string_view text, std::chrono::nanoseconds& out) {
  struct Unit {
    std::string_view suffix;
    double ns;
  };
  // "ms" and "ns" and "us" before "s", so the longest suffix wins.
  static constexpr Unit kUnits[] = {{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  for (const Unit& unit : kUnits) {
    if (text.size() <= unit.suffix.size() || !text.ends_with(unit.suffix)) continue;
    double value = 0;
    if (!parse_decimal(text.substr(0, text.size() - unit.suffix.size()), value)) return false;
    const double ns = std::round(value * unit.ns);
    if (ns > kMaxDurationNs) return false;
    out = std::chrono::nanoseconds(static_cast<std::int64_t>(ns));
    return true;
  }
  return false;
}

// The largest unit that represents the value exactly, so spec() round-trips bit for bit.
std::string format_duration(std::chrono::nanoseconds duration) {
  const std::int64_t ns = duration.count();
  if (ns != 0 && ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns != 0 && ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns != 0 && ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::string format_double(double value) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

[[noreturn]] void bad_spec(const std::string& spec, std::string_view why) {
  throw ConfigError("invalid latency spec '" + spec + "': " + std::string(why) +
                    " (expected none, fixed:2ms, lognormal:20ms,0.5 or per-token:50us+2ms)");
}

}  // namespace

std::chrono::nanoseconds parse_duration(const std::string& text) {
  std::chrono::nanoseconds out{0};
  if (!try_parse_duration(text, out)) {
    throw ConfigError("invalid duration '" + text +
                      "': expected a non-negative number with a unit of ns, us, ms or s");
  }
  return out;
}

LatencyModel LatencyModel::parse(const std::string& spec) {
  LatencyModel model;
  const std::string_view text(spec);
  if (text == "none") return model;
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos) bad_spec(spec, "unknown kind");
  const std::string_view kind = text.substr(0, colon);
  const std::string_view args = text.substr(colon + 1);
  if (kind == "fixed") {
    if (!try_parse_duration(args, model.a_)) bad_spec(spec, "bad duration");
    model.kind_ = Kind::kFixed;
  } else if (kind == "lognormal") {
    const std::size_t comma = args.find(',');
    if (comma == std::string_view::npos) bad_spec(spec, "missing ',SIGMA'");
    if (!try_parse_duration(args.substr(0, comma), model.a_)) bad_spec(spec, "bad median");
    if (model.a_.count() <= 0) bad_spec(spec, "the median must be > 0");
    if (!parse_decimal(args.substr(comma + 1), model.sigma_)) bad_spec(spec, "bad sigma");
    // Sigma 0 would be a fixed latency under another name; saying fixed: is clearer.
    if (model.sigma_ <= 0.0) bad_spec(spec, "sigma must be > 0 (for a constant use fixed:MEDIAN)");
    if (model.sigma_ > 10.0) bad_spec(spec, "sigma must be <= 10");
    model.kind_ = Kind::kLognormal;
  } else if (kind == "per-token") {
    const std::size_t plus = args.find('+');
    if (!try_parse_duration(args.substr(0, plus), model.a_)) bad_spec(spec, "bad per-token cost");
    if (plus != std::string_view::npos && !try_parse_duration(args.substr(plus + 1), model.b_)) {
      bad_spec(spec, "bad base");
    }
    model.kind_ = Kind::kPerToken;
  } else {
    bad_spec(spec, "unknown kind");
  }
  return model;
}

std::chrono::nanoseconds LatencyModel::sample(std::uint64_t seed, std::uint64_t key,
                                              std::uint64_t completion_tokens) const {
  switch (kind_) {
    case Kind::kNone:
      return std::chrono::nanoseconds(0);
    case Kind::kFixed:
      return a_;
    case Kind::kPerToken: {
      const double ns = static_cast<double>(a_.count()) * static_cast<double>(completion_tokens) +
                        static_cast<double>(b_.count());
      return std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(ns, kMaxDurationNs)));
    }
    case Kind::kLognormal: {
      // Two uniforms from a stateless hash of (seed, key): no shared RNG, so the draw is the
      // same whichever thread asks and in whatever order.
      SplitMix64 stream(SplitMix64(seed).next() ^ key);
      const double u1 = unit_interval(stream.next());
      const double u2 = unit_interval(stream.next());
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
      const double ns = static_cast<double>(a_.count()) * std::exp(sigma_ * z);
      return std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(ns, kMaxDurationNs)));
    }
  }
  return std::chrono::nanoseconds(0);
}

std::string LatencyModel::spec() const {
  switch (kind_) {
    case Kind::kNone:
      return "none";
    case Kind::kFixed:
      return "fixed:" + format_duration(a_);
    case Kind::kLognormal:
      return "lognormal:" + format_duration(a_) + "," + format_double(sigma_);
    case Kind::kPerToken:
      return "per-token:" + format_duration(a_) +
             (b_.count() != 0 ? "+" + format_duration(b_) : "");
  }
  return "none";
}

}  // namespace legion
