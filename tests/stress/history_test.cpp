// The zero-loss audit on hand-made histories: lost, unexpected, duplicated, recovered.
#include "stress/history.hpp"

#include <gtest/gtest.h>

namespace {

using stress::Op;

stress::Drained drained(std::vector<std::uint64_t> completed, std::vector<std::uint64_t> failed,
                        std::uint64_t pending) {
  stress::Drained d;
  d.completed = std::move(completed);
  d.failed = std::move(failed);
  d.pending = pending;
  return d;
}

void record_ok(stress::History& h, std::uint64_t n) {
  for (std::uint64_t id = 0; id < n; ++id) {
    h.record(id, Op::kInvoke);
    h.record(id, Op::kOk);
  }
}

TEST(StressAudit, CleanRunPasses) {
  stress::History h;
  record_ok(h, 3);
  const auto a = stress::audit(h, drained({0, 1, 2}, {}, 0));
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
  const auto a = stress::audit(h, drained({0, 2}, {}, 0));  // 1 was seen ok, the store lost it
  EXPECT_EQ(a.lost, 1u);
  EXPECT_FALSE(a.pass());
}

TEST(StressAudit, InvokedAndNeverCompletedIsLost) {
  stress::History h;
  h.record(7, Op::kInvoke);
  h.close_open_operations();  // the drain deadline passed: info
  const auto a = stress::audit(h, drained({}, {}, 1));
  EXPECT_EQ(a.info, 1u);
  EXPECT_EQ(a.lost, 1u);
}

TEST(StressAudit, IndeterminateThatCompletedIsRecoveredNotLost) {
  stress::History h;
  h.record(7, Op::kInvoke);
  h.close_open_operations();
  const auto a = stress::audit(h, drained({7}, {}, 0));
  EXPECT_EQ(a.info, 1u);
  EXPECT_EQ(a.recovered, 1u);
  EXPECT_EQ(a.lost, 0u);
}

TEST(StressAudit, DefiniteFailureIsAnErrorNotALoss) {
  stress::History h;
  h.record(1, Op::kInvoke);
  h.record(1, Op::kFail);
  const auto a = stress::audit(h, drained({}, {1}, 0));
  EXPECT_EQ(a.fail, 1u);
  EXPECT_EQ(a.lost, 0u);
  EXPECT_TRUE(a.pass());
}

TEST(StressAudit, CompletedButNeverInvokedIsUnexpected) {
  stress::History h;
  record_ok(h, 2);
  const auto a = stress::audit(h, drained({0, 1, 99}, {}, 0));
  EXPECT_EQ(a.unexpected, 1u);
  EXPECT_FALSE(a.pass());
}

TEST(StressAudit, TwiceInTheStoreOrTwiceOkIsDuplicated) {
  stress::History h;
  record_ok(h, 2);
  h.record(1, Op::kOk);                                        // the completion observed twice
  const auto a = stress::audit(h, drained({0, 0, 1}, {}, 0));  // 0 applied twice
  EXPECT_EQ(a.duplicated, 2u);
  EXPECT_TRUE(a.pass());  // duplicates are judged against the delivery guarantee, not here
}

TEST(StressAudit, AnAcknowledgedCompletionTheStoreDidNotKeepIsLost) {
  // A worker acknowledged id 1 with lease token 5 before its commit, died, and another worker
  // redid it with token 9: the store has it done, but not the completion that was acknowledged.
  stress::History h;
  record_ok(h, 2);
  h.record_token(0, 4);
  h.record_token(1, 5);
  auto d = drained({0, 1}, {}, 0);
  d.done_token = {{0, 4}, {1, 9}};
  const auto a = stress::audit(h, d);
  EXPECT_EQ(a.lost, 1u);
  EXPECT_EQ(a.ack_not_kept, 1u);
  EXPECT_EQ(a.lost_ids, std::vector<std::uint64_t>{1});
  EXPECT_FALSE(a.pass());
}

TEST(StressAudit, DeadLettersAndWrongAnswersAreNamedNotLost) {
  stress::History h;
  for (std::uint64_t id = 0; id < 3; ++id) {
    h.record(id, Op::kInvoke);
    h.record(id, Op::kFail);
  }
  auto d = drained({}, {0, 1}, 1);
  d.wrong = {1};
  d.pending_keys = {"x-2"};
  const auto a = stress::audit(h, d);
  EXPECT_EQ(a.dead_lettered, 1u);
  EXPECT_EQ(a.dead_ids, std::vector<std::uint64_t>{0});
  EXPECT_EQ(a.wrong_answer, 1u);
  EXPECT_EQ(a.wrong_ids, std::vector<std::uint64_t>{1});
  EXPECT_EQ(a.lost, 0u);  // 2 failed definitely (a refused submission), not lost
}

TEST(StressAudit, AnInDoubtSubmissionFoundInTheStoreIsRecoveredNotUnexpected) {
  stress::History h;
  h.record(3, Op::kInfo);  // the submit's outcome was unknown: never acknowledged
  const auto a = stress::audit(h, drained({3}, {}, 0));
  EXPECT_EQ(a.unexpected, 0u);
  EXPECT_EQ(a.recovered, 1u);
  EXPECT_TRUE(a.pass());
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
