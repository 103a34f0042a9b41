#pragma once
// The store contract, written once and instantiated for every back-end (typed tests), so
// SQLite and PostgreSQL are held to the same behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "legion/store/task_store.hpp"
#include "store/backends.hpp"

namespace legion::store::testing {

template <typename Backend>
class StoreContract : public ::testing::Test {
 protected:
  StoreContract() {
    options_.clock = clock_.clock();
    options_.retry.max_attempts = 3;
    options_.retry.base_backoff = std::chrono::milliseconds(100);
    options_.retry.max_backoff = std::chrono::milliseconds(1000);
    options_.retry.max_lease_expiries = 4;
    options_.reconnect_deadline = std::chrono::milliseconds(5000);
  }
  std::unique_ptr<TaskStore> open() { return open_store(backend_.url(), options_); }

  Backend backend_;
  ManualClock clock_;
  StoreOptions options_;
};

TYPED_TEST_SUITE_P(StoreContract);

using std::chrono::milliseconds;

TYPED_TEST_P(StoreContract, SubmitClaimCompleteRecordsTheEffectOnce) {
  auto store = this->open();
  auto submitted = store->submit_batch(make_specs("a", 3));
  ASSERT_EQ(submitted.size(), 3u);
  for (const auto& s : submitted) {
    EXPECT_TRUE(s.created);
    EXPECT_EQ(s.task.state, TaskState::kQueued);
  }
  auto leased = store->claim("w1", 2, milliseconds(1000));
  ASSERT_EQ(leased.size(), 2u);
  EXPECT_NE(leased[0].id, leased[1].id);
  EXPECT_NE(leased[0].lease_token, leased[1].lease_token);
  EXPECT_EQ(leased[0].state, TaskState::kLeased);
  EXPECT_EQ(leased[0].lease_owner, "w1");
  EXPECT_EQ(leased[0].attempts, 1);

  EXPECT_EQ(store->complete(leased[0].id, leased[0].lease_token, "{\"ok\":1}"),
            CompleteOutcome::kAccepted);
  // The same completion again (a retry after an in-doubt commit) records nothing new.
  EXPECT_EQ(store->complete(leased[0].id, leased[0].lease_token, "{\"ok\":1}"),
            CompleteOutcome::kAlreadyDone);
  auto done = store->get(leased[0].id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, TaskState::kDone);
  EXPECT_EQ(done->result, "{\"ok\":1}");

  Stats stats = store->stats();
  EXPECT_EQ(stats.queued, 1);
  EXPECT_EQ(stats.leased, 1);
  EXPECT_EQ(stats.done, 1);
  Ledger ledger = store->verify(false);
  EXPECT_TRUE(ledger.ok());
  EXPECT_EQ(ledger.accepted, 3);
  EXPECT_EQ(ledger.effects, 1);
  EXPECT_EQ(ledger.pending, 2);
  EXPECT_EQ(store->verify(true).lost, 2);  // drained: the two unfinished tasks count as lost
}

TYPED_TEST_P(StoreContract, RepeatedIdempotencyKeyReturnsTheExistingTask) {
  auto store = this->open();
  auto first = store->submit({"order-7", "{\"v\":1}", 0});
  auto again = store->submit({"order-7", "{\"v\":2}", 0});
  EXPECT_TRUE(first.created);
  EXPECT_FALSE(again.created);
  EXPECT_EQ(again.task.id, first.task.id);
  EXPECT_EQ(again.task.payload, "{\"v\":1}");
  auto batch =
      store->submit_batch(std::vector<TaskSpec>{{"order-7", "{}", 0}, {"order-8", "{}", 0}});
  EXPECT_FALSE(batch[0].created);
  EXPECT_EQ(batch[0].task.id, first.task.id);
  EXPECT_TRUE(batch[1].created);
  auto twice =
      store->submit_batch(std::vector<TaskSpec>{{"order-9", "{}", 0}, {"order-9", "{}", 0}});
  EXPECT_TRUE(twice[0].created);
  EXPECT_FALSE(twice[1].created) << "one key, one task, even within a batch";
  EXPECT_EQ(twice[1].task.id, twice[0].task.id);
  EXPECT_EQ(store->stats().total(), 3);
  EXPECT_THROW(store->submit({"", "{}", 0}), ConfigError);
}

TYPED_TEST_P(StoreContract, ExpiredLeaseIsClaimedAgainAndTheStaleCompleterIsFenced) {
  auto store = this->open();
  store->submit({"k", "{}", 0});
  auto first = store->claim("w1", 10, milliseconds(1000));
  ASSERT_EQ(first.size(), 1u);
  this->clock_.advance(999);
  EXPECT_TRUE(store->claim("w2", 10, milliseconds(1000)).empty()) << "lease still valid";
  this->clock_.advance(1);
  auto second = store->claim("w2", 10, milliseconds(1000));
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].id, first[0].id);
  EXPECT_GT(second[0].lease_token, first[0].lease_token);
  EXPECT_EQ(second[0].attempts, 2);
  EXPECT_EQ(second[0].lease_owner, "w2");

  // w1 wakes up after its lease was taken over: everything it does is rejected.
  EXPECT_FALSE(store->heartbeat(first[0].id, first[0].lease_token, milliseconds(1000)));
  EXPECT_EQ(store->complete(first[0].id, first[0].lease_token, "{\"by\":1}"),
            CompleteOutcome::kRejected);
  EXPECT_FALSE(store->fail(first[0].id, first[0].lease_token, "late"));
  EXPECT_EQ(store->complete(second[0].id, second[0].lease_token, "{\"by\":2}"),
            CompleteOutcome::kAccepted);
  EXPECT_EQ(store->complete(first[0].id, first[0].lease_token, "{\"by\":1}"),
            CompleteOutcome::kRejected);
  EXPECT_EQ(store->get(first[0].id)->result, "{\"by\":2}");
  Ledger ledger = store->verify(true);
  EXPECT_TRUE(ledger.ok());
  EXPECT_EQ(ledger.effects, 1);
  EXPECT_EQ(ledger.lost, 0);
}

TYPED_TEST_P(StoreContract, HeartbeatExtendsTheLease) {
  auto store = this->open();
  store->submit({"k", "{}", 0});
  auto leased = store->claim("w1", 1, milliseconds(1000));
  ASSERT_EQ(leased.size(), 1u);
  this->clock_.advance(800);
  EXPECT_TRUE(store->heartbeat(leased[0].id, leased[0].lease_token, milliseconds(1000)));
  this->clock_.advance(800);
  EXPECT_TRUE(store->claim("w2", 1, milliseconds(1000)).empty());
  this->clock_.advance(200);
  EXPECT_EQ(store->claim("w2", 1, milliseconds(1000)).size(), 1u);
}

TYPED_TEST_P(StoreContract, FailureRetriesWithExponentialBackoffThenDeadLetters) {
  auto store = this->open();  // max_attempts 3, base backoff 100 ms
  auto task = store->submit({"flaky", "{}", 0}).task;
  EXPECT_EQ(task.max_attempts, 3);

  auto lease = store->claim("w", 1, milliseconds(5000));
  ASSERT_EQ(lease.size(), 1u);
  EXPECT_EQ(store->fail(task.id, lease[0].lease_token, "boom 1"), TaskState::kFailed);
  EXPECT_EQ(store->get(task.id)->error, "boom 1");
  EXPECT_TRUE(store->claim("w", 1, milliseconds(5000)).empty()) << "not before the backoff";
  this->clock_.advance(100);
  lease = store->claim("w", 1, milliseconds(5000));
  ASSERT_EQ(lease.size(), 1u);
  EXPECT_EQ(lease[0].attempts, 2);

  EXPECT_EQ(store->fail(task.id, lease[0].lease_token, "boom 2"), TaskState::kFailed);
  this->clock_.advance(199);
  EXPECT_TRUE(store->claim("w", 1, milliseconds(5000)).empty()) << "backoff doubled to 200 ms";
  this->clock_.advance(1);
  lease = store->claim("w", 1, milliseconds(5000));
  ASSERT_EQ(lease.size(), 1u);

  EXPECT_EQ(store->fail(task.id, lease[0].lease_token, "boom 3"), TaskState::kDead);
  // Recording the same failure again (a retry) is answered, not re-applied.
  EXPECT_EQ(store->fail(task.id, lease[0].lease_token, "boom 3"), TaskState::kDead);
  this->clock_.advance(3'600'000);
  EXPECT_TRUE(store->claim("w", 1, milliseconds(5000)).empty()) << "dead letters stay dead";
  EXPECT_EQ(store->stats().dead, 1);
  Ledger ledger = store->verify(true);
  EXPECT_EQ(ledger.dead, 1);
  EXPECT_EQ(ledger.lost, 0);
  EXPECT_TRUE(ledger.ok());
}

// A poison task that kills or hangs every worker it reaches: each lease expires. It must end
// as a dead letter after max_lease_expiries expiries, in a bounded time (the takeover backoff
// grows, capped), not be handed out for ever.
TYPED_TEST_P(StoreContract, ATaskThatOutlivesEveryLeaseIsDeadLettered) {
  auto store = this->open();  // max_lease_expiries 4, base backoff 100 ms
  auto task = store->submit({"poison", "{}", 0}).task;
  const auto start = this->clock_.now();
  for (int expiry = 0; expiry < 4; ++expiry) {
    auto leased = store->claim("w" + std::to_string(expiry), 1, milliseconds(1000));
    ASSERT_EQ(leased.size(), 1u) << "after " << expiry << " expiries";
    EXPECT_EQ(leased[0].attempts, expiry + 1);
    EXPECT_EQ(leased[0].expiries, expiry);
    this->clock_.advance(1000);  // the worker died holding it
    // The longest takeover backoff; the fourth expiry dead-letters at once.
    if (expiry > 0 && expiry < 3) this->clock_.advance(100 << (expiry - 1));
  }
  EXPECT_TRUE(store->claim("w4", 1, milliseconds(1000)).empty());
  auto dead = store->get(task.id);
  EXPECT_EQ(dead->state, TaskState::kDead);
  EXPECT_EQ(dead->expiries, 4);
  EXPECT_NE(dead->error.find("lease expired 4 times"), std::string::npos) << dead->error;
  // Four leases and the backoffs between the takeovers (0, <= 100, <= 200 ms).
  EXPECT_LE(this->clock_.now() - start, 4 * 1000 + 100 + 200);
  Ledger ledger = store->verify(true);
  EXPECT_EQ(ledger.dead, 1);
  EXPECT_TRUE(ledger.ok());
}

// A lease that expired because its worker lost the store (a claim whose reply was cut, a
// worker that could not renew) is not a failure of the task: it must not use up the attempts
// that bound the handler's failures. Before, each expiry counted one, and a store outage
// longer than attempts x lease dead-lettered healthy tasks.
TYPED_TEST_P(StoreContract, LeaseExpiriesDoNotUseUpTheTasksAttempts) {
  auto store = this->open();
  std::vector<TaskSpec> specs = {{"healthy", "{}", 1}, {"poison", "{}", 1}};  // one attempt
  store->submit_batch(specs);
  ASSERT_EQ(store->claim("cut-off", 2, milliseconds(1000)).size(), 2u);
  this->clock_.advance(1000);  // the worker never heard of its claim: both leases expire
  std::map<std::string, Task> held;
  for (auto& task : store->claim("w", 2, milliseconds(1000))) held[task.key] = task;
  ASSERT_EQ(held.size(), 2u) << "an expired lease used up the only attempt";
  EXPECT_EQ(held["healthy"].attempts, 2);
  EXPECT_EQ(held["healthy"].expiries, 1);
  EXPECT_EQ(store->complete(held["healthy"].id, held["healthy"].lease_token, "{}"),
            CompleteOutcome::kAccepted);
  // A handler that fails still dead-letters the task on its last attempt.
  EXPECT_EQ(store->fail(held["poison"].id, held["poison"].lease_token, "boom"), TaskState::kDead);
  Ledger ledger = store->verify(true);
  EXPECT_EQ(ledger.done, 1);
  EXPECT_EQ(ledger.dead, 1);
  EXPECT_TRUE(ledger.ok());
}

// The first takeover is immediate (a crashed worker's tasks resume at once); each further one
// waits a backoff that doubles: a flapping connection cannot cycle a task through its leases
// at the lease's rate. The jitter keeps each wait within [half, all] of the step.
TYPED_TEST_P(StoreContract, ATakeoverWaitsABackoffThatDoublesWithEachExpiry) {
  auto store = this->open();  // base backoff 100 ms
  auto task = store->submit({"flapping", "{}", 0}).task;
  ASSERT_EQ(store->claim("w0", 1, milliseconds(1000)).size(), 1u);
  this->clock_.advance(1000);
  auto leased = store->claim("w1", 1, milliseconds(1000));
  ASSERT_EQ(leased.size(), 1u) << "the first takeover waits for nothing";
  for (int step_ms : {100, 200}) {
    this->clock_.advance(1000);
    this->clock_.advance(step_ms / 2 - 1);
    EXPECT_TRUE(store->claim("w", 1, milliseconds(1000)).empty())
        << "taken over before half of the " << step_ms << " ms step";
    this->clock_.advance(step_ms / 2 + 1);
    leased = store->claim("w", 1, milliseconds(1000));
    ASSERT_EQ(leased.size(), 1u) << "not taken over after the " << step_ms << " ms step";
  }
  EXPECT_EQ(leased[0].expiries, 3);
  EXPECT_EQ(store->complete(task.id, leased[0].lease_token, "{}"), CompleteOutcome::kAccepted);
  expect_clean_ledger(store->verify(true), 1);
}

// A worker that comes back during the takeover backoff still completes its task: nobody else
// has it, so no second run is needed.
TYPED_TEST_P(StoreContract, AnExpiredLeaseCompletesUntilItIsTakenOver) {
  auto store = this->open();
  auto task = store->submit({"late", "{}", 0}).task;
  ASSERT_EQ(store->claim("w0", 1, milliseconds(1000)).size(), 1u);
  this->clock_.advance(1000);
  ASSERT_EQ(store->claim("w1", 1, milliseconds(1000)).size(), 1u);  // expiry 1, immediate
  this->clock_.advance(1000);  // expired again: the next takeover waits 50-100 ms
  auto held = store->get(task.id);
  ASSERT_TRUE(store->claim("w2", 1, milliseconds(1000)).empty());
  EXPECT_EQ(store->complete(task.id, held->lease_token, "{}"), CompleteOutcome::kAccepted);
  this->clock_.advance(1000);
  EXPECT_TRUE(store->claim("w2", 1, milliseconds(1000)).empty()) << "done stays done";
  expect_clean_ledger(store->verify(true), 1);
}

TYPED_TEST_P(StoreContract, CompleteBatchSortsOutEachCompletion) {
  auto store = this->open();
  store->submit_batch(make_specs("b", 3));
  auto leased = store->claim("w", 3, milliseconds(1000));
  ASSERT_EQ(leased.size(), 3u);
  std::vector<Completion> batch = {{leased[0].id, leased[0].lease_token, "{}"},
                                   {leased[1].id, leased[1].lease_token + 1000, "{}"},
                                   {987654, 1, "{}"},
                                   {leased[2].id, leased[2].lease_token, "{\"q\":\"a\\\"b,{c}\"}"}};
  auto outcomes = store->complete_batch(batch);
  ASSERT_EQ(outcomes.size(), 4u);
  EXPECT_EQ(outcomes[0], CompleteOutcome::kAccepted);
  EXPECT_EQ(outcomes[1], CompleteOutcome::kRejected);
  EXPECT_EQ(outcomes[2], CompleteOutcome::kRejected);
  EXPECT_EQ(outcomes[3], CompleteOutcome::kAccepted);
  EXPECT_EQ(store->get(leased[2].id)->result, "{\"q\":\"a\\\"b,{c}\"}");
  EXPECT_EQ(store->verify(false).effects, 2);
}

TYPED_TEST_P(StoreContract, CheckpointsResumeAWorkflowAtItsLastCompletedStep) {
  std::vector<int> executed;
  auto run_workflow = [&](TaskStore& store, int crash_after) {
    auto last = store.load_checkpoint("wf-1");
    int step = last ? last->step + 1 : 1;
    int total = last ? nlohmann::json::parse(last->state).at("total").get<int>() : 0;
    for (; step <= 5; ++step) {
      if (step == crash_after) return;
      executed.push_back(step);
      total += step;
      store.save_checkpoint({"wf-1", step, "{\"total\":" + std::to_string(total) + "}"});
    }
  };
  {
    auto store = this->open();
    EXPECT_FALSE(store->load_checkpoint("wf-1"));
    run_workflow(*store, 4);  // "crashes" before step 4
  }
  auto store = this->open();  // a new process would reopen the same store
  run_workflow(*store, 0);
  EXPECT_EQ(executed, (std::vector<int>{1, 2, 3, 4, 5}));
  auto last = store->load_checkpoint("wf-1");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->step, 5);
  EXPECT_EQ(last->state, "{\"total\":15}");
  EXPECT_FALSE(store->load_checkpoint("wf-2"));
}

TYPED_TEST_P(StoreContract, MessageLogReadsByTopicAfterAnId) {
  auto store = this->open();
  auto a1 = store->append_message("a", "one");
  store->append_message("b", "other");
  auto a2 = store->append_message("a", "two");
  auto a3 = store->append_message("a", "three");
  auto all = store->read_messages("a", 0, 100);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, a1);
  EXPECT_EQ(all[0].body, "one");
  EXPECT_EQ(all[2].body, "three");
  auto after = store->read_messages("a", a1, 1);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, a2);
  EXPECT_TRUE(store->read_messages("a", a3, 10).empty());
  EXPECT_EQ(store->read_messages("b", 0, 10).size(), 1u);
}

TYPED_TEST_P(StoreContract, StateSurvivesReopening) {
  std::int64_t id = 0;
  {
    auto store = this->open();
    store->submit_batch(make_specs("r", 2));
    auto leased = store->claim("w", 1, milliseconds(1000));
    ASSERT_EQ(leased.size(), 1u);
    id = leased[0].id;
    ASSERT_EQ(store->complete(id, leased[0].lease_token, "{\"r\":1}"), CompleteOutcome::kAccepted);
  }
  auto store = this->open();
  EXPECT_EQ(store->get(id)->state, TaskState::kDone);
  EXPECT_EQ(store->stats().queued, 1);
  EXPECT_EQ(store->list(0, 10).size(), 2u);
  EXPECT_EQ(store->find("r1")->key, "r1");
  EXPECT_FALSE(store->find("nope"));
}

TYPED_TEST_P(StoreContract, ConcurrentClaimersNeverGetTheSameTask) {
  constexpr int kTasks = 400;
  constexpr int kThreads = 4;
  this->open()->submit_batch(make_specs("c", kTasks));
  std::vector<std::vector<std::int64_t>> claimed(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // A connection per thread, as separate worker processes would have.
      auto store = this->open();
      for (;;) {
        auto tasks = store->claim("w" + std::to_string(t), 7, milliseconds(60'000));
        if (tasks.empty()) return;
        std::vector<Completion> batch;
        for (const auto& task : tasks) {
          claimed[t].push_back(task.id);
          batch.push_back({task.id, task.lease_token, "{}"});
        }
        for (auto outcome : store->complete_batch(batch)) {
          EXPECT_EQ(outcome, CompleteOutcome::kAccepted);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::multiset<std::int64_t> all;
  for (const auto& ids : claimed) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kTasks));
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.end()).size(), all.size())
      << "a task was claimed twice";
  Ledger ledger = this->open()->verify(true);
  EXPECT_TRUE(ledger.ok());
  EXPECT_EQ(ledger.done, kTasks);
  EXPECT_EQ(ledger.effects, kTasks);
}

TYPED_TEST_P(StoreContract, ReleaseGivesALeaseBackWithoutSpendingTheAttempt) {
  auto store = this->open();
  auto task = store->submit({"r", "{}", 0}).task;
  auto leased = store->claim("w1", 1, milliseconds(60'000));
  ASSERT_EQ(leased.size(), 1u);
  EXPECT_FALSE(store->release(task.id, leased[0].lease_token + 1)) << "fenced by the token";
  EXPECT_TRUE(store->release(task.id, leased[0].lease_token));
  EXPECT_FALSE(store->release(task.id, leased[0].lease_token)) << "released once";
  auto back = store->get(task.id);
  EXPECT_EQ(back->state, TaskState::kQueued);
  EXPECT_EQ(back->attempts, 0) << "a graceful shutdown does not use up an attempt";
  EXPECT_EQ(back->lease_owner, "");
  // Due at once, long before the 60 s lease would have expired.
  auto again = store->claim("w2", 1, milliseconds(1000));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 1);
  // The releasing worker's late completion is rejected; the new holder's lands.
  EXPECT_EQ(store->complete(task.id, leased[0].lease_token, "{}"), CompleteOutcome::kRejected);
  EXPECT_EQ(store->complete(task.id, again[0].lease_token, "{}"), CompleteOutcome::kAccepted);
  expect_clean_ledger(store->verify(true), 1);
}

TYPED_TEST_P(StoreContract, RetryAndCancelAreAuditedAndNeverDuplicateAnEffect) {
  auto store = this->open();  // max_attempts 3
  std::vector<TaskSpec> specs = {
      {"t0", "{}", 0}, {"t1", "{}", 1}, {"t2", "{}", 0}, {"t3", "{}", 0}};
  store->submit_batch(specs);
  // t0 done, t1 dead, t2 leased by a worker that will come back late, t3 queued.
  std::map<std::string, Task> held;
  for (auto& task : store->claim("w", 4, milliseconds(1000))) held[task.key] = task;
  ASSERT_EQ(held.size(), 4u);
  ASSERT_EQ(store->complete(held["t0"].id, held["t0"].lease_token, "{}"),
            CompleteOutcome::kAccepted);
  ASSERT_EQ(store->fail(held["t1"].id, held["t1"].lease_token, "boom"), TaskState::kDead);
  ASSERT_TRUE(store->release(held["t3"].id, held["t3"].lease_token));
  const Task t1 = held["t1"];
  const Task late = held["t2"];

  std::vector<std::string> keys = {"t0", "t1", "nope"};
  auto retried = store->retry(keys, "ops@host", "fixed the tool");
  ASSERT_EQ(retried.size(), 3u);
  EXPECT_FALSE(retried[0].changed) << "a done task is never run again";
  EXPECT_EQ(retried[0].before, TaskState::kDone);
  EXPECT_TRUE(retried[1].changed);
  EXPECT_EQ(retried[1].before, TaskState::kDead);
  EXPECT_EQ(retried[1].after, TaskState::kQueued);
  EXPECT_FALSE(retried[2].changed);
  EXPECT_FALSE(retried[2].before) << "unknown key";
  auto requeued = store->get(t1.id);
  EXPECT_EQ(requeued->state, TaskState::kQueued);
  EXPECT_EQ(requeued->attempts, 0);

  std::vector<std::string> cancel_keys = {"t2", "t3", "t0"};
  auto cancelled = store->cancel(cancel_keys, "ops@host", "");
  EXPECT_TRUE(cancelled[0].changed);
  EXPECT_EQ(cancelled[0].before, TaskState::kLeased);
  EXPECT_TRUE(cancelled[1].changed);
  EXPECT_FALSE(cancelled[2].changed) << "done stays done";
  // The worker that held t2 finishes after the cancel: fenced, no effect.
  EXPECT_EQ(store->complete(late.id, late.lease_token, "{}"), CompleteOutcome::kRejected);
  EXPECT_FALSE(store->heartbeat(late.id, late.lease_token, milliseconds(1000)));
  EXPECT_EQ(store->stats().cancelled, 2);
  EXPECT_EQ(store->list_in_state(TaskState::kCancelled, 0, 10).size(), 2u);

  // A cancelled task retried runs once more, and only once.
  std::vector<std::string> again = {"t2"};
  EXPECT_TRUE(store->retry(again, "ops@host", "").front().changed);
  std::set<std::string> ran;
  for (auto& task : store->claim("w", 10, milliseconds(1000))) {
    ran.insert(task.key);
    EXPECT_EQ(store->complete(task.id, task.lease_token, "{}"), CompleteOutcome::kAccepted);
  }
  EXPECT_EQ(ran, (std::set<std::string>{"t1", "t2"}));

  auto audit = store->audit_log(0, 100);
  ASSERT_EQ(audit.size(), 4u);
  EXPECT_EQ(audit[0].action, "retry");
  EXPECT_EQ(audit[0].key, "t1");
  EXPECT_EQ(audit[0].from_state, "dead");
  EXPECT_EQ(audit[0].to_state, "queued");
  EXPECT_EQ(audit[0].actor, "ops@host");
  EXPECT_EQ(audit[0].reason, "fixed the tool");
  EXPECT_EQ(audit[1].action, "cancel");
  EXPECT_EQ(audit[1].from_state, "leased");
  EXPECT_EQ(audit[3].key, "t2");
  EXPECT_EQ(store->audit_log(audit[1].seq, 100).size(), 2u);

  Ledger ledger = store->verify(true);
  EXPECT_TRUE(ledger.ok());
  EXPECT_EQ(ledger.done, 3);
  EXPECT_EQ(ledger.effects, 3);
  EXPECT_EQ(ledger.duplicated, 0);
  EXPECT_EQ(ledger.cancelled, 1);
  EXPECT_EQ(ledger.lost, 0) << "a cancelled task is given up, not lost";
  EXPECT_EQ(ledger.retries, 2);
  EXPECT_EQ(ledger.cancels, 2);
}

TYPED_TEST_P(StoreContract, ListInStateReadsOneStatePageByPage) {
  auto store = this->open();
  store->submit_batch(make_specs("p", 5));
  auto leased = store->claim("w", 5, milliseconds(1000));
  for (std::size_t i = 0; i < leased.size(); i += 2) {
    store->fail(leased[i].id, leased[i].lease_token, "x");
  }
  auto first = store->list_in_state(TaskState::kFailed, 0, 2);
  ASSERT_EQ(first.size(), 2u);
  auto rest = store->list_in_state(TaskState::kFailed, first.back().id, 10);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_GT(rest[0].id, first[1].id);
  EXPECT_EQ(store->list_in_state(TaskState::kLeased, 0, 10).size(), 2u);
  EXPECT_TRUE(store->list_in_state(TaskState::kDead, 0, 10).empty());
}

TYPED_TEST_P(StoreContract, PendingCountsOnlyTheUnfinishedTasks) {
  auto store = this->open();  // max_attempts 3
  std::vector<TaskSpec> specs = {{"u0", "{}", 0}, {"u1", "{}", 0}, {"u2", "{}", 1},
                                 {"u3", "{}", 0}, {"u4", "{}", 0}, {"u5", "{}", 0}};
  store->submit_batch(specs);
  EXPECT_EQ(store->pending(), 6);
  std::map<std::string, Task> held;
  for (auto& task : store->claim("w", 6, milliseconds(1000))) held[task.key] = task;
  ASSERT_EQ(held.size(), 6u);
  EXPECT_EQ(store->pending(), 6) << "a leased task is not finished";
  // u0 done, u1 failed (retried later), u2 dead (its only attempt), u3 released (queued),
  // u4 still leased, u5 cancelled.
  ASSERT_EQ(store->complete(held["u0"].id, held["u0"].lease_token, "{}"),
            CompleteOutcome::kAccepted);
  ASSERT_EQ(store->fail(held["u1"].id, held["u1"].lease_token, "x"), TaskState::kFailed);
  ASSERT_EQ(store->fail(held["u2"].id, held["u2"].lease_token, "x"), TaskState::kDead);
  ASSERT_TRUE(store->release(held["u3"].id, held["u3"].lease_token));
  std::vector<std::string> cancel = {"u5"};
  ASSERT_TRUE(store->cancel(cancel, "ops", "test")[0].changed);
  EXPECT_EQ(store->pending(), 3);
  const Stats stats = store->stats();
  EXPECT_EQ(store->pending(), stats.queued + stats.leased + stats.failed);
  // unfinished(): the same tasks by state, the finished states left out (not counted).
  const Stats by_state = store->unfinished();
  EXPECT_EQ(by_state.queued, 1) << "u3, released";
  EXPECT_EQ(by_state.leased, 1) << "u4";
  EXPECT_EQ(by_state.failed, 1) << "u1";
  EXPECT_EQ(by_state.done + by_state.dead + by_state.cancelled, 0);
  EXPECT_EQ(stats.done + stats.dead + stats.cancelled, 3) << "the finished ones are there";
}

REGISTER_TYPED_TEST_SUITE_P(
    StoreContract, SubmitClaimCompleteRecordsTheEffectOnce,
    RepeatedIdempotencyKeyReturnsTheExistingTask,
    ExpiredLeaseIsClaimedAgainAndTheStaleCompleterIsFenced, HeartbeatExtendsTheLease,
    FailureRetriesWithExponentialBackoffThenDeadLetters, ATaskThatOutlivesEveryLeaseIsDeadLettered,
    LeaseExpiriesDoNotUseUpTheTasksAttempts, ATakeoverWaitsABackoffThatDoublesWithEachExpiry,
    AnExpiredLeaseCompletesUntilItIsTakenOver, CompleteBatchSortsOutEachCompletion,
    CheckpointsResumeAWorkflowAtItsLastCompletedStep, MessageLogReadsByTopicAfterAnId,
    StateSurvivesReopening, ConcurrentClaimersNeverGetTheSameTask,
    ReleaseGivesALeaseBackWithoutSpendingTheAttempt,
    RetryAndCancelAreAuditedAndNeverDuplicateAnEffect, ListInStateReadsOneStatePageByPage,
    PendingCountsOnlyTheUnfinishedTasks);

}  // namespace legion::store::testing
