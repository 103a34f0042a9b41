// The agent-task workload: workflow tasks of the scenario's agents submitted to the durable
// store in group commits, run by worker threads or `legion worker` processes (the same
// workflow handler either way), and audited against the drained store afterwards.
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "legion/latency.hpp"
#include "legion/store/store_error.hpp"
#include "stress/agent_work.hpp"
#include "stress/load_driver.hpp"
#include "stress/observed_store.hpp"
#include "stress/tracker.hpp"
#include "stress/workers.hpp"
#include "workflow_task.hpp"
#include "workload.hpp"

namespace stress::detail {
namespace {

using legion::store::TaskStore;

std::string with_param(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

// One schema or file per run, so runs never see each other's tasks.
std::string store_url(const WorkloadRun& run, const std::string& tag) {
  if (run.config.store == "postgresql") {
    if (run.options.pg_url.empty()) {
      throw legion::Error("scenario '" + run.config.name +
                          "' needs PostgreSQL: pass --pg-url or set LEGION_PG_URL "
                          "(`scripts/postgres start` prints one)");
    }
    return with_param(run.options.pg_url, "schema=" + tag);
  }
  const auto dir = run.options.out_dir / "stores";
  std::filesystem::create_directories(dir);
  return "sqlite://" + (dir / (tag + ".db")).string();
}

// Batches the load model's starts into submit_batch calls (one transaction each), so the
// submission rate is not bounded by one fsync per task.
class Submitter {
 public:
  Submitter(std::unique_ptr<TaskStore> store,
            std::function<std::string(std::uint64_t, int)> payload, std::string prefix,
            Tracker& tracker)
      : store_(std::move(store)),
        payload_(std::move(payload)),
        prefix_(std::move(prefix)),
        tracker_(tracker),
        thread_([this] { loop(); }) {}
  ~Submitter() { finish(); }

  void push(std::uint64_t id, int agent) {
    {
      std::lock_guard lock(mutex_);
      queue_.emplace_back(id, agent);
    }
    wake_.notify_one();
  }
  void finish() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
  }
  std::string error() const {
    std::lock_guard lock(mutex_);
    return error_;
  }

 private:
  void loop() {
    std::vector<std::pair<std::uint64_t, int>> batch;
    std::vector<std::uint64_t> ids;
    std::vector<legion::store::TaskSpec> specs;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return done_ || !queue_.empty(); });
        if (queue_.empty()) return;
        batch.clear();
        while (!queue_.empty() && batch.size() < 1000) {
          batch.push_back(queue_.front());
          queue_.pop_front();
        }
      }
      specs.clear();
      ids.clear();
      // Built here, not in the load model's thread: the open model's generator keeps time.
      for (auto [id, agent] : batch) {
        ids.push_back(id);
        specs.push_back({key_for(prefix_, id), payload_(id, agent), 0});
      }
      submit(ids, specs);
    }
  }

  void submit(const std::vector<std::uint64_t>& batch,
              const std::vector<legion::store::TaskSpec>& specs) {
    // The idempotency keys make a retry after an in-doubt error safe (no double task).
    for (int attempt = 0;; ++attempt) {
      try {
        store_->submit_batch(specs);
        for (auto id : batch) tracker_.invoked(id);
        return;
      } catch (const legion::store::StoreError& e) {
        if (!e.retryable() || attempt >= 5) {
          {
            std::lock_guard lock(mutex_);
            if (error_.empty()) error_ = e.what();
          }
          for (auto id : batch) tracker_.failed(id);
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10 << attempt));
      }
    }
  }

  std::unique_ptr<TaskStore> store_;
  std::function<std::string(std::uint64_t, int)> payload_;
  std::string prefix_;
  Tracker& tracker_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<std::uint64_t, int>> queue_;
  bool done_ = false;
  std::string error_;
  std::thread thread_;  // last: starts once the members above exist
};

// Worker processes commit in their own address space: completions are seen by reading the
// store. Only the window of unfinished ids is re-read, from the lowest one up.
class CompletionPoller {
 public:
  CompletionPoller(std::unique_ptr<TaskStore> store, std::string prefix, Tracker& tracker,
                   const AgentWork& work)
      : store_(std::move(store)), prefix_(std::move(prefix)), tracker_(tracker), work_(work) {
    thread_ = std::thread([this] { loop(); });
  }
  ~CompletionPoller() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void loop() {
    std::int64_t floor = 0;  // every task id <= floor is terminal and reported
    std::unordered_set<std::int64_t> seen;
    while (!stop_.load()) {
      try {
        std::int64_t after = floor;
        bool contiguous = true;
        for (;;) {
          auto page = store_->list(after, 1000);
          if (page.empty()) break;
          for (const auto& task : page) {
            const bool terminal = task.state == legion::store::TaskState::kDone ||
                                  task.state == legion::store::TaskState::kDead;
            if (terminal && seen.insert(task.id).second) report(task);
            if (terminal && contiguous) {
              floor = task.id;
              seen.erase(task.id);
            } else {
              contiguous = false;
            }
          }
          after = page.back().id;
        }
      } catch (const legion::store::StoreError&) {
        // A transient store error: the next poll reads the same window again.
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  void report(const legion::store::Task& task) {
    std::uint64_t id = 0;
    if (!seq_from_key(task.key, prefix_, id)) return;
    if (task.state == legion::store::TaskState::kDead) {
      tracker_.failed(id);
      return;
    }
    tracker_.completed(id, work_.check(id, task.result));
  }

  std::unique_ptr<TaskStore> store_;
  std::string prefix_;
  Tracker& tracker_;
  const AgentWork& work_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

void run_agent_tasks(WorkloadRun& run) {
  const auto& c = run.config;
  const std::string tag = c.name + "_" + std::to_string(::getpid()) + "_" +
                          std::to_string(run.start.time_since_epoch().count() % 1'000'000'000);
  std::string safe_tag;
  for (char ch : tag) safe_tag += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  const std::string url = store_url(run, safe_tag);
  const std::string prefix = safe_tag;
  run.extra["store"] = {
      {"backend", c.store},
      {"worker_mode", c.worker_mode == WorkerMode::kThreads ? "threads" : "processes"},
      {"workers", c.workers},
      {"worker_threads", c.worker_threads},
      {"batch", c.batch}};

  AgentWork work(c.model_latency, run.options.seed, c.agents, planned_tasks(c));
  Tracker tracker(planned_tasks(c), run.metrics, run.history, closed_pace(c));

  auto open_observed = [&](bool completions) {
    StoreObserver observer;
    observer.on_query = [&](std::chrono::nanoseconds d) {
      run.metrics.record_secondary(Metrics::kStoreQuery, SteadyClock::now(), d);
    };
    if (completions) {
      observer.on_completed = [&](const std::string& key, const std::string& result) {
        std::uint64_t id = 0;
        if (seq_from_key(key, prefix, id)) tracker.completed(id, work.check(id, result));
      };
      observer.on_dead = [&](const std::string& key) {
        std::uint64_t id = 0;
        if (seq_from_key(key, prefix, id)) tracker.failed(id);
      };
    }
    return observe_store(legion::store::open_store(url), std::move(observer));
  };

  auto probe_store = open_observed(false);  // also creates the schema before the workers start
  std::unique_ptr<WorkerThreads> threads;
  std::unique_ptr<WorkerProcesses> processes;
  std::unique_ptr<CompletionPoller> poller;
  if (c.worker_mode == WorkerMode::kThreads) {
    // The handler `legion worker` runs, on this thread's connection (the checkpoints).
    threads = std::make_unique<WorkerThreads>([&] { return open_observed(true); },
                                              [](legion::store::TaskStore& store) {
                                                return legion::cli::workflow_task_handler(
                                                    store, legion::cli::ModelCallSink());
                                              },
                                              c.workers, c.batch);
    threads->start();
  } else {
    if (run.options.legion_bin.empty() || ::access(run.options.legion_bin.c_str(), X_OK) != 0) {
      throw legion::Error("worker processes need the `legion` executable: not found at '" +
                          run.options.legion_bin + "' (pass --legion-bin)");
    }
    processes = std::make_unique<WorkerProcesses>(run.options.legion_bin, url, c.workers,
                                                  c.worker_threads, c.batch);
    processes->start();
    run.monitor.set_pids(processes->pids());
    poller =
        std::make_unique<CompletionPoller>(legion::store::open_store(url), prefix, tracker, work);
  }

  std::atomic<bool> stop{false};
  std::thread probe, restarter;
  // Should anything below throw (a store error), the helper threads still stop and join.
  StopAndJoin guard{stop, {&restarter, &probe}};
  // Queue depth and progress, once per bucket, from a connection of its own.
  probe = std::thread([&] {
    const auto width =
        std::chrono::nanoseconds(static_cast<std::int64_t>(run.metrics.bucket_width_s() * 1e9));
    auto next = SteadyClock::now();
    auto next_line = next;
    while (!stop.load()) {
      std::int64_t depth = -1;
      try {
        const auto s = probe_store->stats();
        depth = s.queued + s.leased + s.failed;
        run.metrics.record_queue_depth(SteadyClock::now(), depth);
      } catch (const legion::store::StoreError&) {
      }
      if (SteadyClock::now() >= next_line) {
        progress_line(run, tracker.in_flight(), depth);
        next_line += std::chrono::seconds(1);
      }
      next += width;
      std::this_thread::sleep_until(next);
    }
  });

  // The restart: stop every worker (each finishes the task it runs, releases the rest of its
  // batch), start them again.
  if (c.restart_at_s) {
    restarter = std::thread([&] {
      const auto when =
          run.start + std::chrono::nanoseconds(static_cast<std::int64_t>(*c.restart_at_s * 1e9));
      while (!stop.load() && SteadyClock::now() < when) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      if (stop.load()) return;
      run.restart_at_s = std::chrono::duration<double>(SteadyClock::now() - run.start).count();
      const auto stopping = SteadyClock::now();
      if (threads) {
        threads->stop();
      } else {
        processes->stop();
      }
      const auto starting = SteadyClock::now();
      if (threads) {
        threads->start();
      } else {
        processes->start();
        run.monitor.set_pids(processes->pids());
      }
      run.extra["restart"] = {
          {"stop_ms", std::chrono::duration<double, std::milli>(starting - stopping).count()},
          {"start_ms",
           std::chrono::duration<double, std::milli>(SteadyClock::now() - starting).count()}};
    });
  }

  {
    auto payload = [&](std::uint64_t id, int agent) { return work.payload(id, agent); };
    Submitter submitter(open_observed(false), payload, prefix, tracker);
    run.load = drive_load(
        c, run.start, tracker, [&](std::uint64_t id, int agent) { submitter.push(id, agent); },
        stop);
    submitter.finish();
    if (auto e = submitter.error(); !e.empty()) run.errors.push_back("submit: " + e);
  }
  run.load_end =
      tracker.drain(std::chrono::nanoseconds(static_cast<std::int64_t>(c.drain_timeout_s * 1e9)));
  guard.release();
  // The backlog once drained: the series ends with where the drain left it, not with the last
  // periodic sample (the recovery verdict reads it).
  try {
    const auto s = probe_store->stats();
    run.metrics.record_queue_depth(SteadyClock::now(), s.queued + s.leased + s.failed);
  } catch (const legion::store::StoreError&) {
  }
  poller.reset();
  if (threads) {
    threads->stop();
    if (auto e = threads->error(); !e.empty()) run.errors.push_back("worker: " + e);
  }
  if (processes) {
    processes->stop();
    run.monitor.set_pids({});
    if (auto e = processes->error(); !e.empty()) run.errors.push_back(e);
  }
  run.history.close_open_operations();

  // The drained durable state, read afresh: what the audit compares the history with.
  auto store = legion::store::open_store(url);
  std::uint64_t foreign = 1ULL << 63;  // ids for rows that are none of ours: unexpected
  for (std::int64_t after = 0;;) {
    auto page = store->list(after, 1000);
    if (page.empty()) break;
    for (const auto& task : page) {
      std::uint64_t id = 0;
      if (!seq_from_key(task.key, prefix, id)) id = foreign++;
      switch (task.state) {
        case legion::store::TaskState::kDone: {
          if (work.check(id, task.result))
            run.drained.completed.push_back(id);
          else
            run.drained.failed.push_back(id);
          break;
        }
        case legion::store::TaskState::kDead:
        case legion::store::TaskState::kCancelled:
          run.drained.failed.push_back(id);
          break;
        default:
          ++run.drained.pending;
      }
    }
    after = page.back().id;
  }
  const auto ledger = store->verify(true);
  run.extra_unexpected = static_cast<std::uint64_t>(ledger.unexpected);
  run.extra_duplicated = static_cast<std::uint64_t>(ledger.duplicated);
  run.extra["store_ledger"] = {{"accepted", ledger.accepted},
                               {"done", ledger.done},
                               {"dead", ledger.dead},
                               {"pending", ledger.pending},
                               {"effects", ledger.effects},
                               {"lost", ledger.lost},
                               {"unexpected", ledger.unexpected},
                               {"duplicated", ledger.duplicated}};
  run.extra["store_url"] = url;
  if (c.store == "sqlite") {
    // The file served its purpose once audited; a kept copy would fill --out run after run.
    store.reset();
    probe_store.reset();
    const std::string path = url.substr(std::string("sqlite://").size());
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
}

}  // namespace stress::detail
