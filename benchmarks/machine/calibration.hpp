#pragma once
// A fixed C++ work loop: the same instructions in every process and on every machine, so its
// time is a figure of the machine and of its state at that moment (load, frequency). legion-bench
// times it at start (`calibration_cpp_ns` in the JSON context) and runs it as the A/A row
// harness/calibration/hot; the run driver compares the figures across processes and runs.
#include <cstdint>

namespace legion::bench {

// Rounds of calibration_work that take ~100 us on the reference machine (docs/harness.md).
inline constexpr std::uint64_t kCalibrationRounds = 40'000;

// A dependent chain of multiplications, shifts and loads/stores in a 16 KiB table (L1-resident):
// deterministic, and its result depends on every round, so no compiler can shorten it.
std::uint64_t calibration_work(std::uint64_t rounds = kCalibrationRounds);

// The median wall time in ns of `samples` calls of calibration_work() after one untimed call.
double measure_calibration_ns(int samples = 15);

}  // namespace legion::bench
