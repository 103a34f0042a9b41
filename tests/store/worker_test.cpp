// The shared worker loop: leases renewed while a slow handler runs, failures retried.
#include "legion/store/worker.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "legion/store/observed_store.hpp"
#include "store/backends.hpp"
#include "support/wait_until.hpp"

namespace legion::store::testing {
namespace {

using namespace std::chrono_literals;

TEST(Worker, RenewsLeasesSoASlowTaskIsNotHandedOutTwice) {
  SqliteBackend backend;
  auto store = open_store(backend.url());
  store->submit({"slow", "{}", 0});

  std::atomic<bool> running{true};
  std::atomic<int> stolen{0};
  std::thread rival([&] {
    auto other = open_store(backend.url());
    while (running) {
      stolen += static_cast<int>(other->claim("rival", 1, 1000ms).size());
      std::this_thread::sleep_for(20ms);
    }
  });
  WorkerOptions options;
  options.worker_id = "slowpoke";
  options.lease = 1000ms;  // renewed every 333 ms: 667 ms of slack for a loaded machine
  options.exit_when_drained = true;
  auto report = run_worker(*store, options, [](const Task&) {
    std::this_thread::sleep_for(2500ms);  // two and a half leases long
    return std::string("{}");
  });
  running = false;
  rival.join();
  EXPECT_EQ(stolen.load(), 0) << "the lease lapsed while the handler ran";
  EXPECT_EQ(report.completed, 1);
  EXPECT_EQ(report.rejected, 0);
  EXPECT_TRUE(store->verify(true).ok());
}

// A draining worker asks on every idle poll whether anything is left. stats() would count
// every task of the store, reading all the done ones each time (a cost growing with the
// store); pending() reads only the unfinished ones.
TEST(Worker, DrainCheckAsksOnlyForTheUnfinishedTasks) {
  SqliteBackend backend;
  std::mutex mutex;
  std::vector<std::string> calls;
  StoreObserver observer;
  observer.on_call = [&](const char* operation, std::chrono::nanoseconds, bool) {
    std::lock_guard lock(mutex);
    calls.emplace_back(operation);
  };
  auto store = observe_store(open_store(backend.url()), observer);
  store->submit_batch(make_specs("d", 3));
  WorkerOptions options;
  options.worker_id = "w";
  options.exit_when_drained = true;
  options.idle_wait = 5ms;
  auto report = run_worker(*store, options, [](const Task&) { return std::string("{}"); });
  EXPECT_EQ(report.completed, 3);
  std::lock_guard lock(mutex);
  EXPECT_EQ(std::count(calls.begin(), calls.end(), "stats"), 0);
  EXPECT_GE(std::count(calls.begin(), calls.end(), "pending"), 1);
}

TEST(Worker, RecordsHandlerFailuresForRetry) {
  SqliteBackend backend;
  StoreOptions store_options;
  store_options.retry.base_backoff = 10ms;
  auto store = open_store(backend.url(), store_options);
  store->submit({"flaky", "{}", 0});
  WorkerOptions options;
  options.worker_id = "w";
  options.exit_when_drained = true;
  options.idle_wait = 5ms;
  int calls = 0;
  auto report = run_worker(*store, options, [&](const Task& task) {
    ++calls;
    if (task.attempts < 3) throw std::runtime_error("not yet");
    return std::string("{\"after\":3}");
  });
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(report.failed, 2);
  EXPECT_EQ(report.completed, 1);
  EXPECT_EQ(store->find("flaky")->result, "{\"after\":3}");
}

TEST(Worker, FailsAHandlerThatOverrunsTheTaskTimeoutAndDropsItsLateResult) {
  SqliteBackend backend;
  StoreOptions store_options;
  store_options.retry.base_backoff = 10ms;
  auto store = open_store(backend.url(), store_options);
  store->submit({"hangs", "{}", 2});
  WorkerOptions options;
  options.worker_id = "w";
  options.lease = 5000ms;  // longer than the whole test: only the timeout can end an attempt
  options.task_timeout = 100ms;
  options.exit_when_drained = true;
  options.idle_wait = 5ms;
  int calls = 0;
  auto report = run_worker(*store, options, [&](const Task&) {
    ++calls;
    std::this_thread::sleep_for(400ms);  // returns, but too late
    return std::string("{\"late\":true}");
  });
  EXPECT_EQ(calls, 2);  // retried once, then out of attempts
  EXPECT_EQ(report.timed_out, 2);
  EXPECT_EQ(report.completed, 0);
  const auto task = store->find("hangs");
  ASSERT_TRUE(task);
  EXPECT_EQ(task->state, TaskState::kDead);
  EXPECT_NE(task->error.find("timed out after 100 ms"), std::string::npos) << task->error;
  EXPECT_TRUE(store->verify(true).ok());
}

TEST(Worker, OutOfMemoryInAHandlerEndsTheWorkerInsteadOfFailingTheTask) {
  SqliteBackend backend;
  auto store = open_store(backend.url());
  store->submit({"big", "{}", 0});
  WorkerOptions options;
  options.worker_id = "w";
  options.lease = 200ms;
  options.exit_when_drained = true;
  EXPECT_THROW(
      run_worker(*store, options, [](const Task&) -> std::string { throw std::bad_alloc(); }),
      std::bad_alloc);
  // Not recorded as the task's failure: once the lease expires another worker runs it.
  std::vector<Task> again;
  ASSERT_TRUE(legion::testing::wait_until([&] {
    again = store->claim("other", 1, 1000ms);
    return !again.empty();
  })) << "the task never became claimable again";
  ASSERT_EQ(again.size(), 1U);
  EXPECT_EQ(again[0].error, "");
}

}  // namespace
}  // namespace legion::store::testing
