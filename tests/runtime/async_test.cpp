// The asynchronous runtime: Task / sync_wait, the timer, for_each_async, and that a model call
// waiting for its reply holds no thread (agents, tools, patterns).
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "legion/agent.hpp"
#include "legion/error.hpp"
#include "legion/executor.hpp"
#include "legion/fork_join.hpp"
#include "legion/patterns.hpp"
#include "legion/simulated_model.hpp"
#include "legion/sync_wait.hpp"
#include "legion/timer.hpp"
#include "support/add_tool.hpp"

namespace legion {
namespace {

using namespace std::chrono_literals;

// Only for failures: a wait that passes this long means the test is broken, not slow.
constexpr auto kGiveUp = 60s;

std::string script(const std::string& lines) {
  return "[[script]]\n" + lines + "\n[[/script]]";
}

// Holds every coroutine that awaits it until open(); counts how many wait at once. It proves
// "no thread is held": N waits parked at once on an executor with fewer than N workers.
class Gate {
 public:
  struct Awaiter {
    Gate& gate;
    bool await_ready() const {
      std::lock_guard lock(gate.mutex_);
      return gate.open_;
    }
    bool await_suspend(std::coroutine_handle<> coroutine) {
      std::lock_guard lock(gate.mutex_);
      if (gate.open_) return false;
      gate.parked_.push_back({coroutine, current_scheduler()});
      gate.changed_.notify_all();
      return true;
    }
    void await_resume() const noexcept {}
  };
  Awaiter operator co_await() { return Awaiter{*this}; }

  bool wait_for_parked(std::size_t n) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, kGiveUp, [&] { return parked_.size() >= n; });
  }
  std::size_t parked() {
    std::lock_guard lock(mutex_);
    return parked_.size();
  }
  void open() {
    std::vector<std::pair<std::coroutine_handle<>, Scheduler*>> parked;
    {
      std::lock_guard lock(mutex_);
      open_ = true;
      parked.swap(parked_);
    }
    for (auto [coroutine, scheduler] : parked) scheduler->post(coroutine);
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<std::coroutine_handle<>, Scheduler*>> parked_;
  bool open_ = false;
};

// The simulated model's replies, each held at the gate until it opens.
class GatedModel final : public Model {
 public:
  explicit GatedModel(Gate& gate) : gate_(gate) {}
  ModelResponse complete(const ModelRequest& request) override { return inner_.complete(request); }
  Task<ModelResponse> complete_async(const ModelRequest& request) override {
    ModelResponse response = inner_.complete(request);
    co_await gate_;
    co_return response;
  }
  std::string name() const override { return "gated"; }

 private:
  Gate& gate_;
  SimulatedModel inner_;
};

// A back-end that only implements the synchronous call.
class SyncOnlyModel final : public Model {
 public:
  ModelResponse complete(const ModelRequest& request) override { return inner_.complete(request); }
  std::string name() const override { return "sync-only"; }

 private:
  SimulatedModel inner_;
};

Task<int> forty_two() {
  co_return 42;
}
Task<int> add_one(Task<int> inner) {
  co_return co_await std::move(inner) + 1;
}
Task<void> fail() {
  throw ConfigError("boom");
  co_return;
}

TEST(Task, SyncWaitReturnsValuesAndRethrows) {
  EXPECT_EQ(sync_wait(forty_two()), 42);
  EXPECT_EQ(sync_wait(add_one(add_one(forty_two()))), 44);
  EXPECT_THROW(sync_wait(fail()), ConfigError);
}

TEST(Task, ATaskNeverAwaitedNeverRuns) {
  bool ran = false;
  auto body = [](bool& flag) -> Task<void> {
    flag = true;
    co_return;
  };
  { Task<void> unstarted = body(ran); }
  EXPECT_FALSE(ran);
}

TEST(Timer, SleepResumesTheWaiterOnItsOwnThread) {
  const std::thread::id caller = std::this_thread::get_id();
  auto body = []() -> Task<std::thread::id> {
    co_await sleep_for(2ms);
    co_return std::this_thread::get_id();
  };
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(sync_wait(body()), caller);  // the timer thread only posted the resumption
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2ms);
}

// One worker; a coroutine sleeping on the timer does not occupy it, so another coroutine runs to
// the end while the first still waits.
TEST(Timer, ASleepingCoroutineHoldsNoWorker) {
  Executor executor(1);
  Gate never;  // stands in for a long model call
  std::atomic<bool> other_done{false};
  auto waiter = [](Gate& gate) -> Task<void> { co_await gate; };
  auto other = [](std::atomic<bool>& done) -> Task<void> {
    co_await sleep_for(1ms);
    done = true;
  };
  executor.spawn(waiter(never));
  ASSERT_TRUE(never.wait_for_parked(1));
  executor.spawn(other(other_done));
  const auto deadline = std::chrono::steady_clock::now() + kGiveUp;
  while (!other_done && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_TRUE(other_done);
  EXPECT_EQ(never.parked(), 1u);
  never.open();
}

Task<void> store(std::size_t i, std::vector<std::size_t>& slots, Gate& gate) {
  co_await gate;
  if (i == 7) throw ConfigError("child 7 failed");
  slots[i] = i * i;
}

TEST(ForEachAsync, ChildrenWaitTogetherOnOneWorkerAndEveryChildFinishes) {
  Executor executor(1);
  Gate gate;
  std::vector<std::size_t> slots(100, 0);
  std::thread opener([&] {
    // All 100 children wait at once although the executor has one thread.
    EXPECT_TRUE(gate.wait_for_parked(100));
    gate.open();
  });
  EXPECT_THROW(sync_wait(for_each_async(&executor, slots.size(),
                                        [&](std::size_t i) { return store(i, slots, gate); })),
               ConfigError);
  opener.join();
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (i != 7) {
      EXPECT_EQ(slots[i], i * i) << i;  // the failure stopped no other child
    }
  }
}

TEST(ForEachAsync, WithoutAnExecutorChildrenRunInOrder) {
  std::vector<std::size_t> order;
  auto child = [](std::size_t i, std::vector<std::size_t>& out) -> Task<void> {
    co_await sleep_for(std::chrono::microseconds(100 * (5 - i)));  // later ones sleep less
    out.push_back(i);
  };
  sync_wait(for_each_async(nullptr, 5, [&](std::size_t i) { return child(i, order); }));
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

// The case in miniature: 64 agent runs on one worker, every one's model call waiting at
// the same moment; the results and hashes equal the synchronous runs'.
TEST(AsyncAgent, RunsWaitForTheModelWithoutHoldingThreads) {
  ToolRegistry tools;
  legion_test::add_add_tool(tools);
  const Agent agent({"calc", "a calculator", "add", "", {"add"}}, &tools);
  const std::string task =
      "Add.\n" + script("call add {\"a\": 2, \"b\": 3}\nanswer sum={{result}}");
  Gate gate;
  GatedModel model(gate);
  Executor executor(1);
  std::vector<AgentResult> results(64);
  std::thread opener([&] {
    EXPECT_TRUE(gate.wait_for_parked(results.size()));
    gate.open();
  });
  auto one = [](const Agent& a, Model& m, const std::string& t, AgentResult& out) -> Task<void> {
    out = co_await a.run_async(m, t);
  };
  sync_wait(for_each_async(&executor, results.size(),
                           [&](std::size_t i) { return one(agent, model, task, results[i]); }));
  opener.join();
  SimulatedModel reference;
  const AgentResult expected = agent.run(reference, task);
  for (const AgentResult& result : results) {
    EXPECT_EQ(result.answer, "sum=5");
    EXPECT_EQ(result.hash(), expected.hash());
    EXPECT_EQ(result.usage.model_calls, 2u);
  }
}

TEST(AsyncAgent, AsyncToolsAreAwaited) {
  ToolRegistry tools;
  tools.add_async("slow_echo", "Echo after a wait.",
                  Json{{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}},
                  [](const Json& args) -> Task<Json> {
                    co_await sleep_for(1ms);
                    co_return args["text"];
                  });
  tools.add_async("slow_fail", "Fail after a wait.", Json{{"type", "object"}},
                  [](const Json&) -> Task<Json> {
                    co_await sleep_for(1ms);
                    throw std::runtime_error("late boom");
                  });
  const Agent agent({"echo", "", "", "", {"slow_echo", "slow_fail"}}, &tools);
  SimulatedModel model;
  const AgentResult result =
      agent.run(model, script("call slow_echo {\"text\": \"hi\"}\ncall slow_fail {}\n"
                              "answer {{result:1}} / {{result:2}}"));
  EXPECT_EQ(result.answer, "hi / error: tool 'slow_fail' failed: late boom");
  // The synchronous registry call waits for an asynchronous tool too.
  EXPECT_EQ(tools.invoke({"c", "slow_echo", {{"text", "sync"}}}).content, "sync");
}

TEST(AsyncModel, SimulatedLatencyIsServedByTheTimer) {
  SimulatedModelOptions options;
  options.latency = LatencyModel::parse("fixed:3ms");
  SimulatedModel model(options);
  ModelRequest request;
  request.messages = {{Role::kUser, script("answer hello"), {}, {}, {}}};
  const ModelResponse blocking = model.complete(request);
  const auto start = std::chrono::steady_clock::now();
  const ModelResponse async = sync_wait(model.complete_async(request));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 3ms);
  EXPECT_EQ(async.message, blocking.message);
  EXPECT_EQ(async.usage.prompt_tokens, blocking.usage.prompt_tokens);
  EXPECT_GE(async.model_time, 3ms);  // the reply's work plus the drawn latency
  EXPECT_LT(async.model_time, 3ms + 1s);
  EXPECT_EQ(model.counters().calls, 2u);
}

TEST(AsyncModel, ASynchronousOnlyBackEndStillWorks) {
  SyncOnlyModel model;
  const Agent agent({"a", "", "", "", {}});
  EXPECT_EQ(sync_wait(agent.run_async(model, script("answer ok"))).answer, "ok");
}

// A voter per model call waiting at once on one worker; and the synchronous wrapper, called
// from one of the executor's own workers, neither deadlocks nor changes the result.
TEST(AsyncPatterns, ConsensusVotersWaitTogetherAndTheSyncWrapperAgrees) {
  std::vector<Agent> agents;
  for (int i = 0; i < 16; ++i) {
    agents.emplace_back(AgentConfig{
        "v" + std::to_string(i), "", "", script(i % 4 ? "answer VOTE: A" : "answer VOTE: B"), {}});
  }
  std::vector<const Agent*> voters;
  for (const Agent& agent : agents) voters.push_back(&agent);
  Executor executor(1);
  ConsensusOptions options;
  options.executor = &executor;

  Gate gate;
  GatedModel gated(gate);
  std::thread opener([&] {
    EXPECT_TRUE(gate.wait_for_parked(voters.size()));
    gate.open();
  });
  const PatternResult async = sync_wait(run_consensus_async(voters, gated, "Vote.", options));
  opener.join();
  EXPECT_EQ(async.answer, "A");

  SimulatedModel model;
  const PatternResult nested =
      executor.async([&] { return run_consensus(voters, model, "Vote.", options); }).get();
  EXPECT_EQ(nested.answer, "A");
  EXPECT_EQ(nested.hash(), async.hash());
}

TEST(AsyncPatterns, HierarchyDelegatesThroughAnAsyncTool) {
  SimulatedModel model;
  const Agent manager({"manager", "", "", "", {}});
  const Agent w1({"w1", "", "", script("answer one"), {}});
  const Agent w2({"w2", "", "", script("answer two"), {}});
  const Agent* workers[] = {&w1, &w2};
  const std::string task =
      script("delegate w1 do part one\ndelegate w2 do part two\nanswer {{result:1}}+{{result:2}}");
  const PatternResult async = sync_wait(run_hierarchy_async(manager, workers, model, task));
  const PatternResult sync = run_hierarchy(manager, workers, model, task);
  EXPECT_EQ(async.answer, "one+two");
  EXPECT_EQ(async.hash(), sync.hash());
  EXPECT_EQ(async.runs.size(), 3u);
}

}  // namespace
}  // namespace legion
