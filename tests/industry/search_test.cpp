// The pure parts of the TPC benchmark: the card deck and the rate search.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "industry/card_deck.hpp"
#include "industry/rate_search.hpp"
#include "industry/tpc_classes.hpp"

namespace {

using industry::CardDeck;
using industry::SearchOptions;

std::vector<int> tpc_deck() {
  std::vector<int> cards;
  for (std::size_t c = 0; c < industry::kTpcClassCount; ++c)
    cards.push_back(industry::tpc_class_info(c).cards);
  return cards;
}

TEST(CardDeck, EveryDeckHoldsTheMinimumShares) {
  CardDeck deck(tpc_deck(), 7);
  ASSERT_EQ(deck.size(), 23u);
  for (int d = 0; d < 50; ++d) {
    std::map<std::size_t, int> counts;
    for (int i = 0; i < 23; ++i) ++counts[deck.next()];
    EXPECT_EQ(counts[0], 10);
    EXPECT_EQ(counts[1], 10);
    EXPECT_EQ(counts[2], 1);
    EXPECT_EQ(counts[3], 1);
    EXPECT_EQ(counts[4], 1);
  }
}

TEST(CardDeck, AnyFortySixConsecutiveCardsHoldEveryClass) {
  CardDeck deck(tpc_deck(), 11);
  std::vector<std::size_t> dealt;
  for (int i = 0; i < 23 * 40; ++i) dealt.push_back(deck.next());
  for (std::size_t start = 0; start + 46 <= dealt.size(); ++start) {
    std::map<std::size_t, int> counts;
    for (std::size_t i = start; i < start + 46; ++i) ++counts[dealt[i]];
    EXPECT_EQ(counts.size(), 5u) << "window at " << start;
  }
}

TEST(CardDeck, SameSeedSameDealOtherSeedOther) {
  CardDeck a(tpc_deck(), 3), b(tpc_deck(), 3), c(tpc_deck(), 4);
  bool differs = false;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next();
    EXPECT_EQ(x, b.next());
    differs = differs || x != c.next();
  }
  EXPECT_TRUE(differs);
  EXPECT_THROW(CardDeck({0, 0}, 1), std::invalid_argument);
}

// A system that keeps up with `capacity` arrivals per second, no more.
industry::Trial keeps_up_to(double capacity, int& calls) {
  return [capacity, &calls](double rate, const std::string&) {
    ++calls;
    return rate <= capacity;
  };
}

TEST(RateSearch, RampsThenBisectsToTheCapacity) {
  SearchOptions o;
  o.start_rate = 2;
  o.resolution = 0.05;
  o.max_bisections = 10;
  int calls = 0;
  const auto trial = keeps_up_to(37.0, calls);
  const auto r = industry::search_rate(o, trial, trial);
  ASSERT_TRUE(r.best.has_value());
  EXPECT_LE(*r.best, 37.0);
  EXPECT_GE(*r.best, 37.0 / 1.05);
  ASSERT_TRUE(r.first_fail.has_value());
  EXPECT_EQ(r.steps.front().phase, "ramp");
  EXPECT_EQ(r.steps.back().phase, "measure");
  EXPECT_EQ(static_cast<int>(r.steps.size()), calls);
}

TEST(RateSearch, StepsDownWhenTheFirstRateFails) {
  SearchOptions o;
  o.start_rate = 10;
  o.min_rate = 0.1;
  int calls = 0;
  const auto trial = keeps_up_to(1.5, calls);
  const auto r = industry::search_rate(o, trial, trial);
  ASSERT_TRUE(r.best.has_value());
  EXPECT_LE(*r.best, 1.5);
  EXPECT_EQ(r.steps[1].phase, "step_down");
}

TEST(RateSearch, NoSustainableRateWhenEveryTrialFails) {
  SearchOptions o;
  o.start_rate = 4;
  o.min_rate = 1;
  int calls = 0;
  const auto trial = keeps_up_to(0.0, calls);
  const auto r = industry::search_rate(o, trial, trial);
  EXPECT_FALSE(r.best.has_value());
  EXPECT_EQ(calls, 3);  // 4, 2, 1
}

TEST(RateSearch, MeasurementStepsDownWhenTheLongerRunFails) {
  SearchOptions o;
  o.start_rate = 8;
  o.max_rate = 8;
  int calls = 0;
  const auto search = keeps_up_to(100.0, calls);
  const auto measure = keeps_up_to(6.5, calls);  // the long run reveals less capacity
  const auto r = industry::search_rate(o, search, measure);
  ASSERT_TRUE(r.best.has_value());
  EXPECT_NEAR(*r.best, 8 * 0.8, 1e-9);
  EXPECT_FALSE(r.first_fail.has_value() && *r.first_fail < 7.0);
}

TEST(RateSearch, RejectsInconsistentOptions) {
  int calls = 0;
  const auto trial = keeps_up_to(1, calls);
  SearchOptions o;
  o.growth = 1.0;
  EXPECT_THROW(industry::search_rate(o, trial, trial), std::invalid_argument);
  o = SearchOptions{};
  o.min_rate = 5;
  o.start_rate = 2;
  EXPECT_THROW(industry::search_rate(o, trial, trial), std::invalid_argument);
  o = SearchOptions{};
  o.confirm_factor = 1.0;
  EXPECT_THROW(industry::search_rate(o, trial, trial), std::invalid_argument);
  EXPECT_EQ(calls, 0);
}

TEST(TpcClasses, NamesAndUnknownClass) {
  EXPECT_EQ(industry::tpc_class_index("payment"), industry::kPayment);
  EXPECT_THROW(industry::tpc_class_index("refund"), industry::UsageError);
  int cards = 0;
  for (std::size_t c = 0; c < industry::kTpcClassCount; ++c)
    cards += industry::tpc_class_info(c).cards;
  EXPECT_EQ(cards, 23);
}

}  // namespace
