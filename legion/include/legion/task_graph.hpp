#pragma once
// A DAG of tasks with dependencies (Taskflow-like), executed by Executor::run.
//
// Contract:
// - Build the graph (emplace, precede/succeed) before running it; do not change it while it runs.
// - A graph runs at most once at a time; running it again while a run is in progress yields a
//   ConfigError through the future. It may be re-run after the previous future is ready.
// - The graph must outlive its run (wait for the future before destroying it).
// - A task starts only after all its predecessors finished. If a task throws, tasks not yet started
//   are skipped (their inputs are suspect) and the future rethrows the first exception.
// - cancel() skips tasks not yet started; the run's future then throws CancelledError. A cancel()
//   with no run in progress cancels the next run. The flag is cleared when a run completes.
#include <atomic>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace legion {

class Executor;

namespace detail {
// The graph keeps its callables for every run, so they are invoked many times (unlike a Job).
struct GraphWork {
  virtual ~GraphWork() = default;
  virtual void run() = 0;
};

template <class F>
struct GraphWorkFor final : GraphWork {
  explicit GraphWorkFor(F f) : fn(std::move(f)) {}
  void run() override { std::invoke(fn); }
  F fn;
};
}  // namespace detail

class TaskGraph {
  struct Node;

 public:
  // A cheap handle to one task of a graph; valid as long as the graph.
  class Task {
   public:
    Task() = default;
    Task& precede(Task other);  // this runs before other
    Task& succeed(Task other);  // this runs after other
    const std::string& name() const;
    bool valid() const { return node_ != nullptr; }

   private:
    friend class TaskGraph;
    explicit Task(Node* node) : node_(node) {}
    Node* node_ = nullptr;
  };

  TaskGraph();
  ~TaskGraph();
  TaskGraph(const TaskGraph&) = delete;
  TaskGraph& operator=(const TaskGraph&) = delete;

  template <class F>
  Task emplace(F&& f, std::string name = {}) {
    // A non-dependent call: add() takes the name by value and keeps it.
    std::unique_ptr<detail::GraphWork> work =
        std::make_unique<detail::GraphWorkFor<std::decay_t<F>>>(std::forward<F>(f));
    return add(std::move(work), std::move(name));
  }

  void cancel();
  bool cancelled() const;
  std::size_t size() const { return nodes_.size(); }

 private:
  friend class Executor;
  struct Run;

  Task add(std::unique_ptr<detail::GraphWork> work, std::string name);
  std::future<void> launch(Executor& executor);
  const Node* find_cycle() const;
  static void execute(Run* run, Node* node);
  static void finish(Run* run);

  std::vector<std::unique_ptr<Node>> nodes_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> running_{false};
};

}  // namespace legion
