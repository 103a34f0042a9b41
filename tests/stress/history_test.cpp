// The zero-loss audit on hand-made histories: lost, unexpected, duplicated, recovered.
#include "stress/history.hpp"

#include <gtest/gtest.h>

namespace {

using stress::Op;

void record_ok(stress::History& h, std::uint64_t n) {
  for (std::uint64_t id = 0; id < n; ++id) {
    h.record(id, Op::kInvoke);
    h.record(id, Op::kOk);
  }
}

TEST(StressAudit, CleanRunPasses) {
  stress::History h;
  record_ok(h, 3);
  const auto a = stress::audit(h, {{0, 1, 2}, {}, 0});
  EXPECT_EQ(a.invoked, 3u);
  EXPECT_EQ(a.ok, 3u);
  EXPECT_EQ(a.lost, 0u);
  EXPECT_EQ(a.unexpected, 0u);
  EXPECT_EQ(a.duplicated, 0u);
  EXPECT_TRUE(a.pass());
}

TEST(StressAudit, AcknowledgedButAbsentIsLost) {
  stress::History h;
  record_ok(h, 3);
  const auto a = stress::audit(h, {{0, 2}, {}, 0});  // 1 was seen ok, the store lost it
  EXPECT_EQ(a.lost, 1u);
  EXPECT_FALSE(a.pass());
}

TEST(StressAudit, InvokedAndNeverCompletedIsLost) {
  stress::History h;
  h.record(7, Op::kInvoke);
  h.close_open_operations();  // the drain deadline passed: info
  const auto a = stress::audit(h, {{}, {}, 1});
  EXPECT_EQ(a.info, 1u);
  EXPECT_EQ(a.lost, 1u);
}

TEST(StressAudit, IndeterminateThatCompletedIsRecoveredNotLost) {
  stress::History h;
  h.record(7, Op::kInvoke);
  h.close_open_operations();
  const auto a = stress::audit(h, {{7}, {}, 0});
  EXPECT_EQ(a.info, 1u);
  EXPECT_EQ(a.recovered, 1u);
  EXPECT_EQ(a.lost, 0u);
}

TEST(StressAudit, DefiniteFailureIsAnErrorNotALoss) {
  stress::History h;
  h.record(1, Op::kInvoke);
  h.record(1, Op::kFail);
  const auto a = stress::audit(h, {{}, {1}, 0});
  EXPECT_EQ(a.fail, 1u);
  EXPECT_EQ(a.lost, 0u);
  EXPECT_TRUE(a.pass());
}

TEST(StressAudit, CompletedButNeverInvokedIsUnexpected) {
  stress::History h;
  record_ok(h, 2);
  const auto a = stress::audit(h, {{0, 1, 99}, {}, 0});
  EXPECT_EQ(a.unexpected, 1u);
  EXPECT_FALSE(a.pass());
}

TEST(StressAudit, TwiceInTheStoreOrTwiceOkIsDuplicated) {
  stress::History h;
  record_ok(h, 2);
  h.record(1, Op::kOk);                                 // the completion observed twice
  const auto a = stress::audit(h, {{0, 0, 1}, {}, 0});  // 0 applied twice
  EXPECT_EQ(a.duplicated, 2u);
  EXPECT_TRUE(a.pass());  // duplicates are judged against the delivery guarantee, not here
}

TEST(StressHistory, CountsEachIdOnce) {
  stress::History h;
  h.record(1, Op::kInvoke);
  h.record(1, Op::kOk);
  h.record(2, Op::kInvoke);
  h.record(2, Op::kFail);
  h.record(3, Op::kInvoke);
  h.close_open_operations();
  const auto c = h.counts();
  EXPECT_EQ(c.invoke, 3u);
  EXPECT_EQ(c.ok, 1u);
  EXPECT_EQ(c.fail, 1u);
  EXPECT_EQ(c.info, 1u);
}

}  // namespace
