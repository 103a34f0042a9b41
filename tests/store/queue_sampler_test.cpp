// The worker's queue sampler (legion/cli/queue_sampler.hpp) over a real SQLite store, its
// calls counted through the observed-store decorator and its clock injected: a whole count
// (stats()) that "costs" 80 ms is not made again for 8 s, while the unfinished states are read
// on every sample. No wall-clock timing is asserted.
#include "queue_sampler.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "legion/store/observed_store.hpp"
#include "store/test_env.hpp"

namespace legion::store::testing {
namespace {

using cli::QueueSampler;
using std::chrono::milliseconds;

struct Fixture {
  TempDir dir{"legion-queue-sampler"};
  QueueSampler::Clock::time_point now{};
  milliseconds whole_count_cost{0};
  std::map<std::string, int> calls;
  std::unique_ptr<TaskStore> store;

  Fixture() {
    StoreObserver observer;
    // The fake clock moves while stats() runs, as a whole count of a large store would.
    observer.on_call = [this](const char* operation, std::chrono::nanoseconds, bool) {
      ++calls[operation];
      if (std::string(operation) == "stats") now += whole_count_cost;
    };
    store = observe_store(open_store("sqlite://" + dir.path() + "/s.db"), observer);
  }
  QueueSampler sampler() {
    return QueueSampler({}, [this] { return now; });
  }
  void submit(const std::string& key) {
    std::vector<TaskSpec> specs = {{key, "{}", 1}};
    store->submit_batch(specs);
  }
  void complete_one() {
    auto leased = store->claim("w", 1, milliseconds(60000));
    ASSERT_EQ(leased.size(), 1u);
    ASSERT_EQ(store->complete(leased[0].id, leased[0].lease_token, "{}"),
              CompleteOutcome::kAccepted);
  }
};

TEST(QueueSampler, AnExpensiveWholeCountWaitsAHundredTimesItsCost) {
  Fixture f;
  f.whole_count_cost = milliseconds(80);
  f.submit("a");
  f.complete_one();
  QueueSampler sampler = f.sampler();
  EXPECT_EQ(sampler.sample(*f.store).done, 1);
  EXPECT_EQ(f.calls["stats"], 1);
  EXPECT_EQ(sampler.whole_count_interval(), milliseconds(8000));

  // Seven one-second samples: no whole count, yet each sees the queue as it is now, and the
  // done count keeps its last figure (a task finished since is not in it yet).
  for (int second = 1; second <= 7; ++second) {
    f.now += std::chrono::seconds(1);
    f.submit("q" + std::to_string(second));
    const Stats s = sampler.sample(*f.store);
    EXPECT_EQ(s.queued, second > 3 ? second - 1 : second) << "second " << second;
    EXPECT_EQ(s.done, 1);
    if (second == 3) f.complete_one();  // q1..: one of them finishes
  }
  EXPECT_EQ(f.calls["stats"], 1) << "the whole count is not made every second";
  EXPECT_EQ(f.calls["unfinished"], 7);

  // Eight seconds after the first count ended: the next one is due, and sees the done task.
  f.now += std::chrono::seconds(1);
  const Stats s = sampler.sample(*f.store);
  EXPECT_EQ(f.calls["stats"], 2);
  EXPECT_EQ(s.done, 2);
  EXPECT_EQ(s.queued, 6);
}

TEST(QueueSampler, ACheapWholeCountIsMadeEverySecond) {
  Fixture f;  // whole_count_cost 0: a small store
  f.submit("a");
  QueueSampler sampler = f.sampler();
  for (int second = 0; second < 5; ++second) {
    if (second == 2) f.complete_one();
    const Stats s = sampler.sample(*f.store);
    EXPECT_EQ(s.done, second >= 2 ? 1 : 0) << "second " << second;
    f.now += std::chrono::seconds(1);
  }
  EXPECT_EQ(f.calls["stats"], 5);
  EXPECT_EQ(f.calls["unfinished"], 0);
  EXPECT_EQ(sampler.whole_count_interval(), milliseconds(1000));
}

}  // namespace
}  // namespace legion::store::testing
