#pragma once
// FNV-1a, 64 bit: the one hash behind the project's stable identities - transcript, pattern and
// output (work) hashes, the keys of the simulated model's latency draws, seeded scenario inputs,
// the embedder's features. It must give the same value on every platform, run and build:
// published output hashes and recorded results depend on every byte hashed here.
//
// Composite hashes chain calls, each call's result seeding the next. How fields are kept apart
// is the caller's rule and part of its hash's identity (hash_transcript: separator bytes;
// WorkHash: fnv1a_field's length prefix); changing a rule changes every recorded hash.
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace legion {

inline constexpr std::uint64_t kFnv1aOffsetBasis = 14695981039346656037ull;
inline constexpr std::uint64_t kFnv1aPrime = 1099511628211ull;

// The bytes of `bytes`, continuing from `seed` (the offset basis starts a new hash).
constexpr std::uint64_t fnv1a(std::string_view bytes, std::uint64_t seed = kFnv1aOffsetBasis) {
  std::uint64_t hash = seed;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= kFnv1aPrime;
  }
  return hash;
}

// The object bytes of a trivially copyable value (an integer, another hash), in the machine's
// byte order: the same on every platform the project builds for (x86-64, AArch64: both
// little-endian).
template <class T>
std::uint64_t fnv1a_value(const T& value, std::uint64_t seed) {
  static_assert(std::is_trivially_copyable_v<T>, "only a value whose bytes are its value");
  return fnv1a(std::string_view(reinterpret_cast<const char*>(&value), sizeof value), seed);
}

// A text as a field: its length (as a 64-bit value) first, so ("ab", "c") and ("a", "bc")
// differ.
inline std::uint64_t fnv1a_field(std::string_view text, std::uint64_t seed) {
  return fnv1a(text, fnv1a_value(static_cast<std::uint64_t>(text.size()), seed));
}

std::string hex64(std::uint64_t value);  // 16 lowercase hex digits

}  // namespace legion
