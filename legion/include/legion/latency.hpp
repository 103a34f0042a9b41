#pragma once
// Latency models for the simulated model. A spec string selects one:
//   none                       no added latency (the default)
//   fixed:DURATION             e.g. fixed:2ms
//   lognormal:MEDIAN,SIGMA     e.g. lognormal:20ms,0.5 (median > 0 and log-space sigma in
//                              (0, 10]; sigma 0 is spelled fixed:MEDIAN)
//   per-token:DURATION[+BASE]  e.g. per-token:50us+2ms (per completion token, plus a base)
// DURATION is a number with a unit of ns, us, ms or s. Anything else throws ConfigError
// naming the spec.
#include <chrono>
#include <cstdint>
#include <string>

namespace legion {

class LatencyModel {
 public:
  enum class Kind { kNone, kFixed, kLognormal, kPerToken };

  static LatencyModel parse(const std::string& spec);
  static LatencyModel none() { return {}; }

  // Deterministic: the draw depends only on the seed and `key` (a hash of the request), not
  // on call order, so concurrent runs see the same latencies as sequential ones.
  std::chrono::nanoseconds sample(std::uint64_t seed, std::uint64_t key,
                                  std::uint64_t completion_tokens) const;

  Kind kind() const { return kind_; }
  std::string spec() const;  // canonical text, round-trips through parse

 private:
  Kind kind_ = Kind::kNone;
  std::chrono::nanoseconds a_{0};  // fixed value, lognormal median, or per-token cost
  std::chrono::nanoseconds b_{0};  // per-token base
  double sigma_ = 0.0;
};

// Parses "250us", "2ms", "1.5s", "800ns". Throws ConfigError on anything else.
std::chrono::nanoseconds parse_duration(const std::string& text);

}  // namespace legion
