#include "legion/hash.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace legion {
namespace {

// The published FNV-1a 64 test vectors; constexpr, so also checked at compile time.
static_assert(fnv1a("") == 0xcbf29ce484222325ull);
static_assert(fnv1a("a") == 0xaf63dc4c8601ec8cull);
static_assert(fnv1a("foobar") == 0x85944171f73967e8ull);

TEST(Fnv1a, MatchesThePublishedVectorsAndChains) {
  EXPECT_EQ(fnv1a("foobar"), 0x85944171f73967e8ull);
  EXPECT_EQ(fnv1a("bar", fnv1a("foo")), fnv1a("foobar"));
  EXPECT_EQ(hex64(0x1234), "0000000000001234");
  EXPECT_EQ(hex64(fnv1a("a")), "af63dc4c8601ec8c");
}

TEST(Fnv1a, ValueHashesTheObjectBytes) {
  const std::uint64_t value = 0x0807060504030201ull;
  // Little-endian: the low byte first.
  EXPECT_EQ(fnv1a_value(value, kFnv1aOffsetBasis),
            fnv1a(std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)));
}

TEST(Fnv1a, FieldsAreLengthPrefixed) {
  const std::uint64_t seed = fnv1a("seed");
  EXPECT_NE(fnv1a_field("c", fnv1a_field("ab", seed)), fnv1a_field("bc", fnv1a_field("a", seed)));
  EXPECT_EQ(fnv1a_field("ab", seed), fnv1a("ab", fnv1a_value(std::uint64_t{2}, seed)));
  // Pinned (computed in Python): WorkHash, every benchmark's output hash, is built from fields.
  EXPECT_EQ(hex64(fnv1a_field("ab", kFnv1aOffsetBasis)), "9c6001d328a94690");
}

}  // namespace
}  // namespace legion
