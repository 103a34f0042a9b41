// What only the PostgreSQL back-end faces: the server restarting under a running worker,
// connections killed while a statement's outcome is in doubt, and a server that stays away.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "legion/store/pg_connection.hpp"
#include "legion/store/task_store.hpp"
#include "store/backends.hpp"
#include "store/worker_process.hpp"
#include "store_pg/tcp_relay.hpp"
#include "support/wait_until.hpp"

namespace legion::store::testing {
namespace {

using namespace std::chrono_literals;

void postgres_script(const std::string& command) {
  std::string line = LEGION_SOURCE_DIR "/scripts/postgres " + command + " >/dev/null";
  ASSERT_EQ(std::system(line.c_str()), 0) << line;
}

TEST(PostgresStore, ServerRestartedMidRunLosesNothing) {
  PostgresBackend backend;
  const std::string url = backend.url();
  auto store = open_store(url);
  constexpr int kTasks = 500;
  store->submit_batch(make_specs("restart-", kTasks));

  WorkerProcess worker(url, "worker-restart", 8, 3000, 1000);
  // Working, and ~0.5 s of work left: the restart lands mid-run.
  ASSERT_TRUE(legion::testing::wait_until([&] { return store->stats().done > 0; }))
      << "the worker never completed a task";
  ASSERT_LT(store->stats().done, kTasks) << "the restart must happen mid-run";
  postgres_script("halt");
  std::this_thread::sleep_for(500ms);  // the outage lasts this long (not a wait for anything)
  postgres_script("start");
  ASSERT_EQ(worker.wait(9s), 0) << "the worker did not survive the restart";

  // This connection was cut too, and reconnects.
  expect_clean_ledger(store->verify(true), kTasks);
}

TEST(PostgresStore, ConnectionsKilledInFlightAreResolvedByKeyAndToken) {
  PostgresBackend backend;
  StoreOptions options;
  options.reconnect_deadline = 5s;
  auto victim = open_store(backend.url() + "&application_name=legion_victim", options);

  std::atomic<bool> killing{true};
  std::atomic<int> terminated{0};
  std::thread killer([&] {
    PgConnection admin(postgres_base_url(), "", 5s);
    // Bounded, so the victim then gets a quiet spell to drain in.
    auto stop_at = std::chrono::steady_clock::now() + 1500ms;
    while (std::chrono::steady_clock::now() < stop_at) {
      PgResult r = admin.run(
          "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
          "WHERE application_name = 'legion_victim'");
      terminated += static_cast<int>(r.integer(0, 0));
      std::this_thread::sleep_for(10ms);
    }
    killing = false;
  });

  int submitted = 0, completed = 0;
  auto work = [&] {
    // A short lease: a claim whose reply was lost strands its tasks only this long.
    auto tasks = victim->claim("w", 4, 300ms);
    std::vector<Completion> batch;
    for (const auto& t : tasks) batch.push_back({t.id, t.lease_token, "{}"});
    if (batch.empty()) return false;
    for (auto outcome : victim->complete_batch(batch)) {
      EXPECT_NE(outcome, CompleteOutcome::kRejected);
      ++completed;
    }
    return true;
  };
  while (killing && submitted < 2000) {
    for (int i = 0; i < 5; ++i, ++submitted) {
      auto key = "doubt-" + std::to_string(submitted);
      EXPECT_EQ(victim->submit({key, "{}", 0}).task.key, key);
    }
    work();
  }
  killer.join();
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (completed < submitted && std::chrono::steady_clock::now() < deadline) {
    if (!work()) std::this_thread::sleep_for(20ms);
  }
  EXPECT_GT(terminated.load(), 0) << "no connection was ever cut: the test proved nothing";
  std::printf("%d tasks, connections terminated in flight: %d\n", submitted, terminated.load());

  // A retried submit must not have created a second task for its key.
  expect_clean_ledger(open_store(backend.url())->verify(true), submitted);
}

// The reconnect deadline is for a server that went away (above); one that cannot be reached
// at all is an error at once, on one line.
TEST(PostgresStore, UnreachableServerIsAClearErrorAtOnce) {
  auto start = std::chrono::steady_clock::now();
  try {
    open_store(
        "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=1&reconnect_deadline_ms=5000");
    FAIL() << "connected to nothing";
  } catch (const StoreUnavailableError& error) {
    EXPECT_NE(std::string(error.what()).find("postgresql unreachable"), std::string::npos)
        << error.what();
    EXPECT_EQ(std::string(error.what()).find('\n'), std::string::npos) << error.what();
    EXPECT_TRUE(error.retryable());
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(PostgresStore, ASilentConnectionIsDroppedAfterTheIoTimeoutAndTheCallRetried) {
  PostgresBackend backend;
  // The server's port, and the same URL through a relay that can go silent.
  const std::string direct = backend.url();
  const auto colon = direct.find(':', direct.find('@'));
  const int port = std::stoi(direct.substr(colon + 1));
  TcpRelay relay(port);
  const std::string relayed = direct.substr(0, colon + 1) + std::to_string(relay.port()) +
                              direct.substr(direct.find('/', colon)) + "&io_timeout_ms=500";
  auto store = open_store(relayed);
  store->submit({"before", "{}", 0});

  relay.blackhole(true);
  std::atomic<bool> done{false};
  std::thread during([&] {
    store->submit({"during", "{}", 0});
    done = true;
  });
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(done.load()) << "a statement went through a blackhole";
  relay.blackhole(false);
  const auto deadline = std::chrono::steady_clock::now() + 15s;
  while (!done.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  const bool finished = done.load();
  if (!finished) relay.close_all();  // unblocks the call so the thread can be joined
  during.join();
  ASSERT_TRUE(finished) << "the call waited on the silent connection instead of retrying";
  auto check = open_store(direct);
  EXPECT_TRUE(check->find("during"));
  EXPECT_EQ(check->stats().total(), 2);  // the retry did not submit it twice
}

// A reply that is slow rather than lost (a large batch on a loaded server) must not be cut at
// the same bound on every try: the db_connection_loss run whose submitter re-sent a
// 1,000-task batch for 11 s after the heal, each try dropped after its 1 s io_timeout.
TEST(PostgresStore, AStatementSlowerThanTheIoTimeoutCompletesOnARetry) {
  PgConnection slow(postgres_base_url(), "", 5s, 250ms);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NO_THROW(slow.run("SELECT pg_sleep(0.4)"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  EXPECT_GE(slow.reconnects(), 1) << "the first try did not time out: the test proved nothing";
}

TEST(PostgresStore, IdleWorkersWakeOnNotify) {
  PostgresBackend backend;
  auto waiter = open_store(backend.url());
  auto submitter = open_store(backend.url());
  waiter->wait_for_work(1ms);  // LISTEN now, so the NOTIFY below is not missed
  std::thread later([&] {
    std::this_thread::sleep_for(100ms);
    submitter->submit({"wake", "{}", 0});
  });
  auto start = std::chrono::steady_clock::now();
  waiter->wait_for_work(5s);
  auto waited = std::chrono::steady_clock::now() - start;
  later.join();
  EXPECT_LT(waited, 2s) << "woken by the timeout, not by NOTIFY";
  EXPECT_EQ(waiter->claim("w", 1, 1s).size(), 1u);
}

}  // namespace
}  // namespace legion::store::testing
