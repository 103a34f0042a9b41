#include "calibration.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <vector>

namespace legion::bench {
namespace {

// Read through a volatile so the compiler cannot treat calibration_work as a pure function and
// run it once for several calls.
volatile std::uint64_t seed = 0x9E3779B97F4A7C15ULL;

}  // namespace

std::uint64_t calibration_work(std::uint64_t rounds) {
  std::array<std::uint64_t, 2048> table{};  // 16 KiB
  std::uint64_t x = seed;
  for (std::uint64_t& slot : table) slot = x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  for (std::uint64_t i = 0; i < rounds; ++i) {
    x ^= x >> 29;
    x *= 0xBF58476D1CE4E5B9ULL;
    x += table[x >> 53];
    table[i & 2047] ^= x;
  }
  return x;
}

double measure_calibration_ns(int samples) {
  using Clock = std::chrono::steady_clock;
  volatile std::uint64_t sink = calibration_work();  // warms the code and the table's pages
  std::vector<double> times;
  for (int i = 0; i < std::max(samples, 1); ++i) {
    const auto start = Clock::now();
    sink = sink + calibration_work();
    times.push_back(std::chrono::duration<double, std::nano>(Clock::now() - start).count());
  }
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

}  // namespace legion::bench
