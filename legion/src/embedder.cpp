#include "legion/embedder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "legion/error.hpp"
#include "legion/hash.hpp"
#include "legion/splitmix64.hpp"
#include "legion/tokenizer.hpp"

namespace legion {

namespace {

void check_size(std::span<float> out, std::size_t dimensions) {
  if (out.size() != dimensions) {
    throw ConfigError("embed_into: output has " + std::to_string(out.size()) +
                      " floats, the embedder has " + std::to_string(dimensions) + " dimensions");
  }
}

}  // namespace

Embedder::~Embedder() = default;

void Embedder::embed_into(std::string_view text, std::span<float> out) const {
  check_size(out, dimensions());
  const std::vector<float> vector = embed(text);
  check_size(out, vector.size());
  std::copy(vector.begin(), vector.end(), out.begin());
}

HashedEmbedder::HashedEmbedder(std::size_t dimensions) : dimensions_(dimensions) {
  if (dimensions_ == 0) throw ConfigError("HashedEmbedder: dimensions must be at least 1");
}

std::vector<float> HashedEmbedder::embed(std::string_view text) const {
  std::vector<float> vector(dimensions_);
  embed_into(text, vector);
  return vector;
}

void HashedEmbedder::embed_into(std::string_view text, std::span<float> out) const {
  check_size(out, dimensions_);
  std::fill(out.begin(), out.end(), 0.0f);
  // Counts stay small integers, exact in float, so accumulating in `out` loses nothing.
  const auto add_feature = [&](std::uint64_t hash) {
    const std::uint64_t mixed = mix64(hash);
    out[mixed % dimensions_] += (mixed >> 63) != 0 ? -1.0f : 1.0f;
  };
  bool have_previous = false;
  std::uint64_t previous_with_space = 0;  // FNV state after "t_(j-1) ": bigrams continue it
  for_each_token(text, [&](std::string_view token) {
    const std::uint64_t unigram = fnv1a(token);
    add_feature(unigram);
    if (have_previous) add_feature(fnv1a(token, previous_with_space));
    previous_with_space = fnv1a(" ", unigram);
    have_previous = true;
  });
  double sum_of_squares = 0.0;
  for (float count : out) sum_of_squares += static_cast<double>(count) * count;
  if (sum_of_squares == 0.0) return;
  const double norm = std::sqrt(sum_of_squares);
  for (float& value : out) value = static_cast<float>(static_cast<double>(value) / norm);
}

std::string HashedEmbedder::name() const {
  return "hashed-fnv1a-uni-bi-d" + std::to_string(dimensions_);
}

}  // namespace legion
