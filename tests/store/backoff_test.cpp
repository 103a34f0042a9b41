// The jittered exponential backoff the worker loop and the PostgreSQL reconnects wait with.
#include "legion/store/backoff.hpp"

#include <gtest/gtest.h>

#include <set>

namespace legion::store::testing {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, EachWaitIsBetweenHalfAndAllOfADoublingCappedStep) {
  Backoff backoff(milliseconds(20), milliseconds(1000), 42);
  std::int64_t step = 20;
  for (int i = 0; i < 12; ++i) {
    const auto wait = backoff.next().count();
    EXPECT_GE(wait, step / 2) << "wait " << i;
    EXPECT_LE(wait, step) << "wait " << i;
    step = std::min<std::int64_t>(step * 2, 1000);
  }
}

TEST(Backoff, WaitersCutOffTogetherDoNotRetryTogether) {
  // Ten workers that lost the store at the same moment: their third waits (80 ms steps)
  // must not all be the same, or they would hit the recovering server in lock-step.
  std::set<std::int64_t> third_waits;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    Backoff backoff(milliseconds(20), milliseconds(1000), seed);
    backoff.next();
    backoff.next();
    third_waits.insert(backoff.next().count());
  }
  EXPECT_GT(third_waits.size(), 3u);
  // Unseeded ones draw their seeds from the clock and the thread.
  Backoff a(milliseconds(1000), milliseconds(1000)), b(milliseconds(1000), milliseconds(1000));
  bool differ = false;
  for (int i = 0; i < 8 && !differ; ++i) differ = a.next() != b.next();
  EXPECT_TRUE(differ);
}

}  // namespace
}  // namespace legion::store::testing
