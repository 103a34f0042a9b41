#include "industry/card_deck.hpp"

#include <stdexcept>
#include <utility>

namespace industry {

CardDeck::CardDeck(const std::vector<int>& cards, std::uint64_t seed) : rng_(seed) {
  for (std::size_t i = 0; i < cards.size(); ++i) {
    for (int k = 0; k < cards[i]; ++k) deck_.push_back(i);
  }
  if (deck_.empty()) throw std::invalid_argument("card deck: no cards");
  shuffle();
}

void CardDeck::shuffle() {
  // Fisher-Yates with SplitMix64's unbiased below(): the same deal on every platform.
  for (std::size_t i = deck_.size() - 1; i > 0; --i) {
    std::swap(deck_[i], deck_[rng_.below(i + 1)]);
  }
  position_ = 0;
}

std::size_t CardDeck::next() {
  if (position_ == deck_.size()) shuffle();
  return deck_[position_++];
}

}  // namespace industry
