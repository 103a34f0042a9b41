#pragma once
// TPC-C's way of holding a transaction mix (clause 5.2.4.2): a deck holds each class's
// minimum number of cards; the deck is shuffled, dealt one card per transaction, and
// reshuffled when empty. Any run of whole decks has exactly the deck's shares, and any
// window is within one deck of them.
#include <cstdint>
#include <vector>

#include "legion/splitmix64.hpp"

namespace industry {

class CardDeck {
 public:
  // cards[i] = copies of class i; at least one card in total.
  CardDeck(const std::vector<int>& cards, std::uint64_t seed);
  std::size_t next();
  std::size_t size() const { return deck_.size(); }

 private:
  void shuffle();
  std::vector<std::size_t> deck_;
  std::size_t position_ = 0;
  legion::SplitMix64 rng_;
};

}  // namespace industry
