#include "legion/executor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "legion/detail/work_stealing_deque.hpp"
#include "legion/error.hpp"
#include "legion/task_group.hpp"

namespace legion {
namespace {

using namespace std::chrono_literals;

// Spins until `flag` is set; tests use it to hold a task at a known point.
void await_flag(const std::atomic<bool>& flag) {
  while (!flag.load(std::memory_order_acquire)) std::this_thread::yield();
}

TEST(Executor, ReportsWorkerCount) {
  Executor two(2);
  EXPECT_EQ(two.num_workers(), 2u);
  Executor automatic;
  EXPECT_GE(automatic.num_workers(), 1u);
}

TEST(Executor, AsyncReturnsValues) {
  Executor executor(2);
  auto number = executor.async([] { return 6 * 7; });
  auto text = executor.async([] { return std::string("legion"); });
  auto owned = executor.async([p = std::make_unique<int>(5)] { return *p + 1; });  // move-only
  std::atomic<int> touched{0};
  auto nothing = executor.async([&] { touched.store(1); });
  EXPECT_EQ(number.get(), 42);
  EXPECT_EQ(text.get(), "legion");
  EXPECT_EQ(owned.get(), 6);
  nothing.get();
  EXPECT_EQ(touched.load(), 1);
}

TEST(Executor, AsyncWithLargeCaptureUsesHeapPath) {
  Executor executor(1);
  std::array<std::uint64_t, 32> big{};
  std::iota(big.begin(), big.end(), 1);
  auto sum = executor.async([big] { return std::accumulate(big.begin(), big.end(), 0ull); });
  EXPECT_EQ(sum.get(), 32ull * 33 / 2);
}

// A distinct type proves the original exception crossed the thread, not a generic error. Only the
// type is checked: std::future::get() drops its reference to the shared state before the catch
// block runs, so the worker may free the exception afterwards, synchronized only by the exception's
// reference count inside (uninstrumented) libstdc++; TSan would then flag reading what() here.
struct Boom : std::runtime_error {
  Boom() : std::runtime_error("boom") {}
};

TEST(Executor, AsyncPropagatesExceptions) {
  Executor executor(2);
  auto failing = executor.async([]() -> int { throw Boom(); });
  auto failing_void = executor.async([] { throw std::out_of_range("void"); });
  EXPECT_THROW(failing.get(), Boom);
  EXPECT_THROW(failing_void.get(), std::out_of_range);
}

TEST(Executor, SilentAsyncSwallowsExceptionsAndRuns) {
  std::atomic<int> ran{0};
  {
    Executor executor(2);
    executor.silent_async([] { throw std::runtime_error("ignored"); });
    executor.silent_async([&] { ran.fetch_add(1); });
  }
  EXPECT_EQ(ran.load(), 1);
}

TEST(Executor, OnWorkerThread) {
  Executor executor(2);
  Executor other(1);
  EXPECT_FALSE(executor.on_worker_thread());
  EXPECT_TRUE(executor.async([&] { return executor.on_worker_thread(); }).get());
  EXPECT_FALSE(other.async([&] { return executor.on_worker_thread(); }).get());
}

TEST(Executor, DestructorCompletesPendingWork) {
  std::atomic<int> done{0};
  {
    Executor executor(2);
    for (int i = 0; i < 1000; ++i) {
      executor.silent_async([&] {
        done.fetch_add(1, std::memory_order_relaxed);
        // Work spawned by work during shutdown must run too.
        executor.silent_async([&] { done.fetch_add(1, std::memory_order_relaxed); });
      });
    }
  }
  EXPECT_EQ(done.load(), 2000);
}

TEST(TaskGroup, RunsEveryTask) {
  Executor executor(2);
  TaskGroup group(executor);
  std::atomic<int> count{0};
  for (int i = 0; i < 1000; ++i) group.spawn([&] { count.fetch_add(1); });
  group.wait();
  EXPECT_EQ(count.load(), 1000);
  // Reusable after wait().
  for (int i = 0; i < 10; ++i) group.spawn([&] { count.fetch_add(1); });
  group.wait();
  EXPECT_EQ(count.load(), 1010);
}

TEST(TaskGroup, WaitRethrowsFirstExceptionAfterAllTasksFinish) {
  Executor executor(2);
  TaskGroup group(executor);
  std::atomic<int> count{0};
  for (int i = 0; i < 100; ++i) {
    group.spawn([&, i] {
      count.fetch_add(1);
      if (i % 10 == 3) throw std::invalid_argument("task failed");
    });
  }
  EXPECT_THROW(group.wait(), std::invalid_argument);
  EXPECT_EQ(count.load(), 100);
  group.spawn([] {});
  EXPECT_NO_THROW(group.wait());  // the error was reported once
}

TEST(TaskGroup, CancelSkipsTasksNotStarted) {
  Executor executor(1);
  TaskGroup group(executor);
  std::atomic<bool> started{false};
  std::atomic<bool> release{false};
  std::atomic<int> ran{0};
  group.spawn([&] {
    started.store(true);
    await_flag(release);
    ran.fetch_add(1);
  });
  for (int i = 0; i < 50; ++i) group.spawn([&] { ran.fetch_add(1); });
  await_flag(started);  // the single worker is busy, the other 50 are still queued
  group.cancel();
  release.store(true);
  EXPECT_THROW(group.wait(), CancelledError);
  EXPECT_EQ(ran.load(), 1);
  EXPECT_TRUE(group.cancelled());
}

TEST(TaskGroup, DestructorWaitsAndSwallowsErrors) {
  Executor executor(2);
  std::atomic<int> count{0};
  {
    TaskGroup group(executor);
    for (int i = 0; i < 100; ++i) group.spawn([&] { count.fetch_add(1); });
    group.spawn([] { throw std::runtime_error("dropped"); });
  }
  EXPECT_EQ(count.load(), 100);
}

TEST(TaskGroup, NestedGroupsOnOneWorkerDoNotDeadlock) {
  Executor executor(1);
  std::atomic<int> leaves{0};
  executor
      .async([&] {
        TaskGroup outer(executor);
        for (int i = 0; i < 8; ++i) {
          outer.spawn([&] {
            TaskGroup middle(executor);
            for (int j = 0; j < 8; ++j) {
              middle.spawn([&] {
                TaskGroup inner(executor);
                for (int k = 0; k < 8; ++k) inner.spawn([&] { leaves.fetch_add(1); });
                inner.wait();
              });
            }
            middle.wait();
          });
        }
        outer.wait();
      })
      .get();
  EXPECT_EQ(leaves.load(), 512);
}

int fib(Executor& executor, int n) {
  if (n < 2) return n;
  int a = 0;
  int b = 0;
  TaskGroup group(executor);
  group.spawn([&] { a = fib(executor, n - 1); });
  group.spawn([&] { b = fib(executor, n - 2); });
  group.wait();
  return a + b;
}

// The owner keeps part of the count to itself until it waits, so only it may wait.
TEST(TaskGroup, OnlyTheThreadThatBuiltTheGroupWaits) {
  Executor executor(2);
  TaskGroup group(executor);
  std::atomic<int> ran{0};
  for (int i = 0; i < 100; ++i) group.spawn([&] { ++ran; });
  std::thread other([&] { EXPECT_THROW(group.wait(), ConfigError); });
  other.join();
  group.wait();
  EXPECT_EQ(ran.load(), 100);
}

TEST(TaskGroup, RecursiveForkJoin) {
  Executor executor(2);
  EXPECT_EQ(executor.async([&] { return fib(executor, 16); }).get(), 987);
}

TEST(Executor, StressManyTasksFromSeveralThreads) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25'000;
  Executor executor(2);
  std::atomic<std::int64_t> count{0};
  std::atomic<std::int64_t> sum{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      TaskGroup group(executor);
      for (int i = 0; i < kPerThread; ++i) {
        group.spawn([&, value = t * kPerThread + i] {
          count.fetch_add(1, std::memory_order_relaxed);
          sum.fetch_add(value, std::memory_order_relaxed);
        });
      }
      group.wait();
    });
  }
  for (auto& producer : producers) producer.join();
  constexpr std::int64_t kTotal = std::int64_t{kThreads} * kPerThread;
  EXPECT_EQ(count.load(), kTotal);
  EXPECT_EQ(sum.load(), kTotal * (kTotal - 1) / 2);
}

TEST(Executor, StressAsyncFromWorkersAndOutside) {
  Executor executor(2);
  std::atomic<int> count{0};
  std::vector<std::future<int>> futures;
  for (int i = 0; i < 200; ++i) {
    futures.push_back(executor.async([&] {
      TaskGroup group(executor);
      for (int j = 0; j < 50; ++j) group.spawn([&] { count.fetch_add(1); });
      group.wait();
      return 1;
    }));
  }
  int total = 0;
  for (auto& future : futures) total += future.get();
  EXPECT_EQ(total, 200);
  EXPECT_EQ(count.load(), 10'000);
}

// Work that arrives after the workers went to sleep, in bursts: the one-wake-up-at-a-time rule
// (the woken worker passes it on) must never strand a task. A lost wake-up shows as a timeout.
// Each burst's tasks wait for one another, so the burst only completes if every worker that
// should have been woken was.
TEST(Executor, BurstsAfterIdleGapsWakeEnoughWorkers) {
  for (std::size_t workers : {std::size_t{2}, std::size_t{4}}) {
    Executor executor(workers);
    for (int burst = 0; burst < 40; ++burst) {
      std::this_thread::sleep_for(std::chrono::microseconds(burst % 4 == 0 ? 2000 : 30 * burst));
      // `workers` tasks that each block until all of them have started: they need every worker
      // awake at once (the submitting thread only submits).
      std::atomic<std::size_t> started{0};
      std::atomic<bool> stranded{false};
      std::vector<std::future<void>> futures;
      for (std::size_t i = 0; i < workers; ++i) {
        futures.push_back(executor.async([&] {
          started.fetch_add(1);
          const auto deadline = std::chrono::steady_clock::now() + 5s;
          while (started.load() < workers) {
            if (std::chrono::steady_clock::now() > deadline) {
              stranded = true;
              break;
            }
            std::this_thread::yield();
          }
        }));
      }
      for (auto& f : futures) ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
      ASSERT_FALSE(stranded.load()) << "burst " << burst << ": a worker was never woken";
    }
  }
}

// Records the order in which graph tasks start.
struct OrderLog {
  std::atomic<int> ticket{0};
  std::array<std::atomic<int>, 16> at{};
  auto record(int task) {
    return [this, task] { at[task].store(ticket.fetch_add(1)); };
  }
  int operator[](int task) const { return at[task].load(); }
};

TEST(TaskGraph, DiamondRunsInDependencyOrder) {
  Executor executor(2);
  for (int round = 0; round < 20; ++round) {
    TaskGraph graph;
    OrderLog log;
    auto a = graph.emplace(log.record(0), "a");
    auto b = graph.emplace(log.record(1), "b");
    auto c = graph.emplace(log.record(2), "c");
    auto d = graph.emplace(log.record(3), "d");
    a.precede(b).precede(c);
    d.succeed(b).succeed(c);
    EXPECT_EQ(graph.size(), 4u);
    EXPECT_EQ(b.name(), "b");
    executor.run(graph).get();
    EXPECT_EQ(log.ticket.load(), 4);
    EXPECT_LT(log[0], log[1]);
    EXPECT_LT(log[0], log[2]);
    EXPECT_LT(log[1], log[3]);
    EXPECT_LT(log[2], log[3]);
  }
}

TEST(TaskGraph, ChainRunsInOrderAndCanRunAgain) {
  Executor executor(2);
  TaskGraph graph;
  OrderLog log;
  std::vector<TaskGraph::Task> tasks;
  for (int i = 0; i < 10; ++i) tasks.push_back(graph.emplace(log.record(i)));
  for (int i = 0; i + 1 < 10; ++i) tasks[i].precede(tasks[i + 1]);
  executor.run(graph).get();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(log[i], i);
  executor.run(graph).get();  // a finished graph runs again from scratch
  EXPECT_EQ(log.ticket.load(), 20);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(log[i], 10 + i);
}

TEST(TaskGraph, FanOutFanIn) {
  Executor executor(2);
  TaskGraph graph;
  OrderLog log;
  auto source = graph.emplace(log.record(0), "source");
  auto sink = graph.emplace(log.record(9), "sink");
  for (int i = 1; i <= 8; ++i) {
    auto middle = graph.emplace(log.record(i));
    source.precede(middle);
    sink.succeed(middle);
  }
  executor.run(graph).get();
  EXPECT_EQ(log.ticket.load(), 10);
  EXPECT_EQ(log[0], 0);
  EXPECT_EQ(log[9], 9);
}

TEST(TaskGraph, EmptyGraphCompletes) {
  Executor executor(1);
  TaskGraph graph;
  EXPECT_NO_THROW(executor.run(graph).get());
}

TEST(TaskGraph, CycleIsAConfigError) {
  Executor executor(1);
  TaskGraph graph;
  std::atomic<int> ran{0};
  auto start = graph.emplace([&] { ran.fetch_add(1); }, "start");
  auto x = graph.emplace([&] { ran.fetch_add(1); }, "x");
  auto y = graph.emplace([&] { ran.fetch_add(1); }, "y");
  start.precede(x);
  x.precede(y);
  y.precede(x);
  auto future = executor.run(graph);
  try {
    future.get();
    FAIL() << "a cyclic graph must not run";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("cycle"), std::string::npos);
  }
  EXPECT_EQ(ran.load(), 0);
}

TEST(TaskGraph, ExceptionPropagatesAndSkipsDependents) {
  Executor executor(2);
  TaskGraph graph;
  std::atomic<int> after{0};
  auto failing = graph.emplace([] { throw std::logic_error("graph task failed"); });
  auto dependent = graph.emplace([&] { after.fetch_add(1); });
  failing.precede(dependent);
  EXPECT_THROW(executor.run(graph).get(), std::logic_error);
  EXPECT_EQ(after.load(), 0);
}

TEST(TaskGraph, CancelledMidRunSkipsLaterTasks) {
  Executor executor(2);
  TaskGraph graph;
  std::atomic<bool> first_started{false};
  std::atomic<bool> release{false};
  std::atomic<int> later{0};
  auto first = graph.emplace([&] {
    first_started.store(true);
    await_flag(release);
  });
  auto previous = first;
  for (int i = 0; i < 5; ++i) {
    auto next = graph.emplace([&] { later.fetch_add(1); });
    previous.precede(next);
    previous = next;
  }
  auto future = executor.run(graph);
  await_flag(first_started);
  graph.cancel();
  release.store(true);
  EXPECT_THROW(future.get(), CancelledError);
  EXPECT_EQ(later.load(), 0);
  EXPECT_FALSE(graph.cancelled());  // cleared when the run completed
  executor.run(graph).get();        // so the next run is unaffected
  EXPECT_EQ(later.load(), 5);
}

TEST(TaskGraph, CancelFromInsideATask) {
  Executor executor(1);
  TaskGraph graph;
  std::atomic<int> after{0};
  auto a = graph.emplace([&] { graph.cancel(); });
  auto b = graph.emplace([&] { after.fetch_add(1); });
  a.precede(b);
  EXPECT_THROW(executor.run(graph).get(), CancelledError);
  EXPECT_EQ(after.load(), 0);
}

TEST(TaskGraph, RunningTwiceAtOnceIsAConfigError) {
  Executor executor(1);
  TaskGraph graph;
  std::atomic<bool> release{false};
  graph.emplace([&] { await_flag(release); });
  auto first = executor.run(graph);
  auto second = executor.run(graph);
  EXPECT_THROW(second.get(), ConfigError);
  release.store(true);
  EXPECT_NO_THROW(first.get());
}

TEST(Cancellation, TokenStopsALongTask) {
  Executor executor(1);
  CancellationSource source;
  CancellationToken token = source.token();
  EXPECT_FALSE(token.cancelled());
  EXPECT_FALSE(CancellationToken().cancelled());
  std::atomic<bool> started{false};
  auto iterations = executor.async([token, &started] {
    int n = 0;
    started.store(true);
    while (!token.cancelled()) ++n;
    return n;
  });
  await_flag(started);
  source.cancel();
  EXPECT_GE(iterations.get(), 0);
  EXPECT_TRUE(token.cancelled());
}

TEST(WorkStealingDeque, OwnerIsLifoThievesAreFifo) {
  detail::WorkStealingDeque<int*> deque(2);  // tiny, to exercise growth
  std::array<int, 10> items{};
  for (auto& item : items) deque.push(&item);
  EXPECT_EQ(deque.steal(), &items[0]);
  EXPECT_EQ(deque.pop(), &items[9]);
  EXPECT_EQ(deque.steal(), &items[1]);
  for (int i = 8; i >= 2; --i) EXPECT_EQ(deque.pop(), &items[i]);
  EXPECT_EQ(deque.pop(), nullptr);
  EXPECT_EQ(deque.steal(), nullptr);
  EXPECT_TRUE(deque.empty());
}

TEST(WorkStealingDeque, ConcurrentPopAndStealTakeEachItemOnce) {
  constexpr int kItems = 100'000;
  detail::WorkStealingDeque<int*> deque(4);
  std::vector<int> items(kItems, 0);
  std::vector<std::atomic<int>> taken(kItems);
  std::atomic<bool> done{false};
  auto claim = [&](int* item) { taken[item - items.data()].fetch_add(1); };
  std::vector<std::thread> thieves;
  for (int t = 0; t < 2; ++t) {
    thieves.emplace_back([&] {
      while (!done.load()) {
        if (int* item = deque.steal()) claim(item);
      }
      while (int* item = deque.steal()) claim(item);
    });
  }
  // First the deque hovers around one item, so owner and thieves keep racing for the last one;
  // then the owner only pushes, so the tiny deque grows while thieves read it.
  constexpr int kRacing = kItems * 4 / 5;
  for (int i = 0; i < kRacing; ++i) {
    deque.push(&items[i]);
    if (int* item = deque.pop()) claim(item);
  }
  for (int i = kRacing; i < kItems; ++i) deque.push(&items[i]);
  while (int* item = deque.pop()) claim(item);
  done.store(true);
  for (auto& thief : thieves) thief.join();
  for (int i = 0; i < kItems; ++i) ASSERT_EQ(taken[i].load(), 1) << "item " << i;
}

}  // namespace
}  // namespace legion
