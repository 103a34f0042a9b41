#pragma once
// The seeded interleaved order of a round's processes: no framework always runs first (warm
// caches, thermal state and background drift spread over all of them), and the same seed gives
// the same order on every platform (SplitMix64 + Fisher-Yates; std::shuffle's output differs
// between standard libraries).
#include <cstdint>
#include <utility>
#include <vector>

namespace legion::driver {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Round `round` of a run with `seed`: each round draws from its own stream.
template <class T>
void seeded_shuffle(std::vector<T>& items, std::uint64_t seed, std::uint64_t round) {
  std::uint64_t state = seed ^ (round * 0xD1B54A32D192ED03ULL);
  for (std::size_t i = items.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(splitmix64(state) % i);
    std::swap(items[i - 1], items[j]);
  }
}

}  // namespace legion::driver
