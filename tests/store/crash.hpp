#pragma once
// kill -9 of a worker process at seeded random points, restart, and the Jepsen-style ledger
// afterwards: every submitted task done, exactly one effect each, nothing unknown, and the
// tasks the killed worker held are recovered within the lease timeout + 1 s.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <set>
#include <thread>

#include "legion/store/task_store.hpp"
#include "store/backends.hpp"
#include "store/worker_process.hpp"
#include "support/wait_until.hpp"

namespace legion::store::testing {

inline unsigned crash_seed() {
  const char* env = std::getenv("LEGION_SEED");
  unsigned seed = env ? static_cast<unsigned>(std::stoul(env)) : 20240611u;
  std::printf("crash test seed %u (replay with LEGION_SEED=%u)\n", seed, seed);
  return seed;
}

// Tasks still leased to `owner` with a live lease: what its death strands.
inline std::set<std::int64_t> stranded_by(TaskStore& store, const std::string& owner) {
  std::set<std::int64_t> ids;
  std::int64_t after = 0;
  for (;;) {
    auto page = store.list(after, 1000);
    if (page.empty()) break;
    for (const auto& t : page) {
      if (t.state == TaskState::kLeased && t.lease_owner == owner) ids.insert(t.id);
    }
    after = page.back().id;
  }
  return ids;
}

template <typename Backend>
class StoreCrash : public ::testing::Test {
 protected:
  Backend backend_;
};
TYPED_TEST_SUITE_P(StoreCrash);

TYPED_TEST_P(StoreCrash, Kill9AtRandomPointsLosesNothingAndDuplicatesNothing) {
  constexpr int kTasks = 1000;  // more than five kill rounds can finish
  constexpr int kLeaseMs = 1000;
  constexpr int kKills = 5;
  const std::string url = this->backend_.url();
  auto store = open_store(url);
  auto specs = make_specs("crash-", kTasks);
  std::set<std::string> submitted_keys;
  for (const auto& s : store->submit_batch(specs)) submitted_keys.insert(s.task.key);
  ASSERT_EQ(submitted_keys.size(), static_cast<std::size_t>(kTasks));

  std::mt19937 rng(crash_seed());
  std::uniform_int_distribution<int> kill_after_ms(20, 200);
  std::set<std::int64_t> stranded;
  auto killed_at = std::chrono::steady_clock::now();
  // Rounds past kKills only when the last victim happened to die between two batches,
  // holding nothing: the recovery must be timed on stranded work.
  for (int round = 0; round < kKills || (stranded.empty() && round < kKills + 5); ++round) {
    const std::string id = "worker-" + std::to_string(round);
    WorkerProcess worker(url, id, 8, kLeaseMs, 1000);
    std::this_thread::sleep_for(std::chrono::milliseconds(kill_after_ms(rng)));
    // The last victim must hold leases, or there would be no recovery to time.
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (round >= kKills - 1 && stranded_by(*store, id).empty() &&
           std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    worker.kill9();
    killed_at = std::chrono::steady_clock::now();
    stranded = stranded_by(*store, id);
    std::printf("round %d: killed holding %zu leases, %lld done\n", round, stranded.size(),
                static_cast<long long>(store->stats().done));
  }
  ASSERT_LT(store->stats().done, kTasks) << "the kills must land before the work is done";
  ASSERT_FALSE(stranded.empty()) << "no victim died holding leases";

  WorkerProcess survivor(url, "worker-final", 8, kLeaseMs, 1000);
  // Recovery: the last victim's tasks must be done within its lease timeout + 1 s.
  double recovered_s = -1;
  while (std::chrono::steady_clock::now() - killed_at < std::chrono::seconds(8)) {
    bool all_done = true;
    for (auto task_id : stranded) {
      if (store->get(task_id)->state != TaskState::kDone) {
        all_done = false;
        break;
      }
    }
    if (all_done) {
      recovered_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::printf("stranded by the last kill: %zu tasks, recovered in %.3f s\n", stranded.size(),
              recovered_s);
  EXPECT_GE(recovered_s, 0.0) << "stranded tasks never completed";
  EXPECT_LE(recovered_s, kLeaseMs / 1000.0 + 1.0);
  ASSERT_EQ(survivor.wait(std::chrono::seconds(8)), 0);

  expect_clean_ledger(store->verify(true), kTasks);
  std::set<std::string> stored_keys;
  for (const auto& t : store->list(0, kTasks + 10)) stored_keys.insert(t.key);
  EXPECT_EQ(stored_keys, submitted_keys) << "a task appeared or vanished";
}

TYPED_TEST_P(StoreCrash, SeveralWorkerProcessesShareOneStoreThroughAKill) {
  constexpr int kTasks = 600;
  const std::string url = this->backend_.url();
  auto store = open_store(url);
  store->submit_batch(make_specs("shared-", kTasks));
  {
    // 2 ms a task: ~0.4 s of work for three workers, so b is killed mid-run, holding leases.
    WorkerProcess a(url, "worker-a", 4, 1000, 2000);
    WorkerProcess b(url, "worker-b", 4, 1000, 2000);
    WorkerProcess c(url, "worker-c", 4, 1000, 2000);
    const bool holding = legion::testing::wait_until(
        [&] { return !stranded_by(*store, "worker-b").empty() || store->stats().done == kTasks; });
    b.kill9();  // its leases come back after 1 s and go to a or c
    EXPECT_TRUE(holding && store->stats().done < kTasks) << "b must die holding leases";
    EXPECT_EQ(a.wait(std::chrono::seconds(8)), 0);
    EXPECT_EQ(c.wait(std::chrono::seconds(8)), 0);
  }
  expect_clean_ledger(store->verify(true), kTasks);
}

REGISTER_TYPED_TEST_SUITE_P(StoreCrash, Kill9AtRandomPointsLosesNothingAndDuplicatesNothing,
                            SeveralWorkerProcessesShareOneStoreThroughAKill);

}  // namespace legion::store::testing
