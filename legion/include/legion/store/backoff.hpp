#pragma once
// Exponential backoff with jitter for waiting out a store outage (the worker loop's retries,
// PostgreSQL reconnects): each wait doubles up to a cap and is drawn uniformly from [half,
// all] of the current step, so workers cut off by the same fault do not all come back at the
// same instant and hit the recovering server together.
#include <chrono>
#include <cstdint>

#include "legion/splitmix64.hpp"

namespace legion::store {

class Backoff {
 public:
  // seed 0: one from the clock and the calling thread, so every waiter draws differently.
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap, std::uint64_t seed = 0);
  // The wait to sleep now, in [step/2, step]; the step then doubles (up to the cap).
  std::chrono::milliseconds next();

 private:
  std::chrono::milliseconds step_;
  std::chrono::milliseconds cap_;
  SplitMix64 random_;
};

}  // namespace legion::store
