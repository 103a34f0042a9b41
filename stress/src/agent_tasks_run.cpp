// The agent-task workload: workflow tasks of the scenario's agents submitted to the durable
// store in group commits, run by worker threads or `legion worker` processes (the same
// workflow handler either way), and audited against the drained store afterwards. A failure
// run whose tasks carry faults for the handler (fail_times, sleep_ms, leak_kb) runs its worker
// processes on `legion worker --test-handler` and its payloads instead.
#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "legion/latency.hpp"
#include "legion/store/store_error.hpp"
#include "legion/store/store_url.hpp"
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

// The PostgreSQL server of the run: --pg-url, or a throwaway one when the config asks for it.
std::string server_url(const WorkloadRun& run) {
  if (run.config.store != "postgresql") return "";
  if (run.faults && !run.faults->context().pg_url.empty()) return run.faults->context().pg_url;
  if (!run.options.pg_url.empty()) return run.options.pg_url;
  if (run.config.start_server && run.options.start_postgres) return run.options.start_postgres();
  throw legion::Error("scenario '" + run.config.name +
                      "' needs PostgreSQL: pass --pg-url or set LEGION_PG_URL "
                      "(`scripts/postgres start` prints one)");
}

// One schema or file per run, so runs never see each other's tasks.
std::string store_url(const WorkloadRun& run, const std::string& server, const std::string& tag) {
  if (run.config.store == "postgresql") return with_param(server, "schema=" + tag);
  const FaultContext* fx = run.faults ? &run.faults->context() : nullptr;
  const auto dir = fx && !fx->sqlite_dir.empty() ? fx->sqlite_dir : run.options.out_dir / "stores";
  std::filesystem::create_directories(dir);
  std::string url = "sqlite://" + (dir / (tag + ".db")).string();
  if (fx && !fx->sqlite_vfs.empty()) url = with_param(url, "vfs=" + fx->sqlite_vfs);
  return url;
}

// The URL the system's clients (submitter, workers) use: through a fault's proxy, with its
// parameters. The harness's own reads (queue depth, completions, the audit) keep the direct one.
std::string client_url(const WorkloadRun& run, const std::string& url) {
  if (!run.faults) return url;
  const auto& fx = run.faults->context();
  std::string out = fx.client_address.empty() ? url : with_address(url, fx.client_address);
  for (const auto& p : fx.client_params) out = with_param(out, p);
  return out;
}

// Batches the load model's starts into submit_batch calls (one transaction each), so the
// submission rate is not bounded by one fsync per task.
class Submitter {
 public:
  Submitter(std::unique_ptr<TaskStore> store,
            std::function<std::string(std::uint64_t, int)> payload, std::string prefix,
            Tracker& tracker, int max_attempts = 0)
      : store_(std::move(store)),
        payload_(std::move(payload)),
        prefix_(std::move(prefix)),
        max_attempts_(max_attempts),
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
  // Stop retrying (the run is being aborted).
  void abandon() { abandon_ = true; }
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
        specs.push_back({key_for(prefix_, id), payload_(id, agent), max_attempts_});
      }
      submit(ids, specs);
    }
  }

  void submit(const std::vector<std::uint64_t>& batch,
              const std::vector<legion::store::TaskSpec>& specs) {
    // The idempotency keys make a retry after an in-doubt error safe (no double task). A
    // retryable error (disk full, database away) is backpressure: the batch waits and is sent
    // again until kSubmitDeadline; after that its outcome stays unknown (info: the store may
    // hold it, the audit finds out). Anything else is a definite refusal.
    const auto deadline = SteadyClock::now() + kSubmitDeadline;
    auto backoff = std::chrono::milliseconds(10);
    for (;;) {
      try {
        store_->submit_batch(specs);
        for (auto id : batch) tracker_.invoked(id);
        return;
      } catch (const legion::store::StoreError& e) {
        const bool retry = e.retryable() && SteadyClock::now() < deadline && !abandon_.load();
        if (!retry) {
          {
            std::lock_guard lock(mutex_);
            if (error_.empty()) error_ = e.what();
          }
          for (auto id : batch) {
            if (e.retryable()) {
              tracker_.indeterminate(id);
            } else {
              tracker_.failed(id);
            }
          }
          return;
        }
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(500));
      }
    }
  }
  static constexpr auto kSubmitDeadline = std::chrono::seconds(120);

  std::unique_ptr<TaskStore> store_;
  std::function<std::string(std::uint64_t, int)> payload_;
  std::string prefix_;
  int max_attempts_;
  Tracker& tracker_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<std::uint64_t, int>> queue_;
  bool done_ = false;
  std::atomic<bool> abandon_{false};
  std::string error_;
  std::thread thread_;  // last: starts once the members above exist
};

// Whether a done task's result is the right answer for task `seq`.
using ResultCheck = std::function<bool(std::uint64_t seq, const legion::store::Task& task)>;

// Worker processes commit in their own address space: completions are seen by reading the
// store. Only the window of unfinished ids is re-read, from the lowest one up.
class CompletionPoller {
 public:
  CompletionPoller(std::unique_ptr<TaskStore> store, std::string prefix, Tracker& tracker,
                   ResultCheck check, FaultDriver* faults = nullptr)
      : store_(std::move(store)),
        prefix_(std::move(prefix)),
        tracker_(tracker),
        check_(std::move(check)),
        faults_(faults) {
    thread_ = std::thread([this] { loop(); });
  }
  ~CompletionPoller() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Whether the worker process with this --id was seen holding a lease.
  bool worked(const std::string& worker_id) const {
    std::lock_guard lock(workers_mutex_);
    return workers_seen_.count(worker_id) > 0;
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
            watch_lease(task, terminal);
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

  // A lease that changed hands (its holder died, hung or was cut off and it expired) is the
  // store's own detection of a failed worker.
  void watch_lease(const legion::store::Task& task, bool terminal) {
    if (terminal && !faults_) return;
    if (terminal) {
      owners_.erase(task.id);
      failed_attempts_.erase(task.id);
      return;
    }
    if (task.state == legion::store::TaskState::kLeased && !task.lease_owner.empty()) {
      // "stress-1-0.2/3": worker process "stress-1-0.2", thread 3.
      const auto process = task.lease_owner.substr(0, task.lease_owner.find('/'));
      std::lock_guard lock(workers_mutex_);
      workers_seen_.insert(process);
    }
    if (!faults_) return;
    if (task.state == legion::store::TaskState::kFailed) {
      owners_.erase(task.id);  // its next lease is a retry, not a takeover
      // A failed attempt (the handler threw or overran the task timeout), once per attempt.
      auto& seen = failed_attempts_[task.id];
      if (seen < task.attempts) {
        seen = task.attempts;
        faults_->events().add("task_failed", task.key + " attempt " +
                                                 std::to_string(task.attempts) + ": " + task.error);
      }
      return;
    }
    if (task.state != legion::store::TaskState::kLeased) return;
    auto& owner = owners_[task.id];
    if (!owner.empty() && owner != task.lease_owner) {
      faults_->events().add("lease_takeover", task.key + ": " + owner + " -> " + task.lease_owner);
    }
    owner = task.lease_owner;
  }

  void report(const legion::store::Task& task) {
    std::uint64_t id = 0;
    if (!seq_from_key(task.key, prefix_, id)) return;
    if (task.state == legion::store::TaskState::kDead) {
      if (faults_) {
        faults_->task_failed(id);
        faults_->events().add("dead_letter", task.key + ": " + task.error);
      }
      tracker_.failed(id);
      return;
    }
    tracker_.completed(id, check_(id, task));
  }

  std::unique_ptr<TaskStore> store_;
  std::string prefix_;
  Tracker& tracker_;
  ResultCheck check_;
  FaultDriver* faults_;
  std::unordered_map<std::int64_t, std::string> owners_;   // leased tasks' holders
  std::unordered_map<std::int64_t, int> failed_attempts_;  // failed attempts reported
  mutable std::mutex workers_mutex_;
  std::unordered_set<std::string> workers_seen_;  // worker processes seen holding a lease
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A payload for `legion worker --test-handler`, whose built-in handler sleeps for sleep_ms:
// the stand-in for the agent's two model calls, taken from the latency spec's fixed or median
// value. It answers {"ok": true, "key": KEY}.
std::string test_handler_payload(const ScenarioConfig& config, std::uint64_t id) {
  const auto latency = legion::LatencyModel::parse(config.model_latency).sample(0, id, 8);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(latency * 2).count();
  return nlohmann::json{{"seq", id}, {"sleep_ms", static_cast<std::int64_t>(ms)}}.dump();
}

bool test_handler_correct(const legion::store::Task& task) {
  const auto result = nlohmann::json::parse(task.result, nullptr, false);
  return result.is_object() && result.value("ok", false) &&
         result.value("key", std::string()) == task.key;
}

}  // namespace

void run_agent_tasks(WorkloadRun& run) {
  const auto& c = run.config;
  const std::string tag = c.name + "_" + std::to_string(::getpid()) + "_" +
                          std::to_string(run.start.time_since_epoch().count() % 1'000'000'000);
  std::string safe_tag;
  for (char ch : tag) safe_tag += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  FaultDriver* faults = run.faults;
  FaultContext* fx = faults ? &faults->context() : nullptr;
  const std::string server = server_url(run);
  const std::string url = store_url(run, server, safe_tag);
  const std::string clients = client_url(run, url);
  if (fx) {
    fx->store_url = url;
    fx->client_url = clients;
  }
  const std::string prefix = safe_tag;
  run.extra["store"] = {
      {"backend", c.store},
      {"worker_mode", c.worker_mode == WorkerMode::kThreads ? "threads" : "processes"},
      {"workers", c.workers},
      {"worker_threads", c.worker_threads},
      {"batch", c.batch},
      {"lease_ms", c.lease_ms}};
  const bool test_handler = c.worker_mode == WorkerMode::kProcesses && fx && fx->test_handler;
  if (c.worker_mode == WorkerMode::kProcesses) {
    run.extra["store"]["worker_handler"] = test_handler ? "test" : "workflow";
  }

  AgentWork work(c.model_latency, run.options.seed, c.agents, planned_tasks(c));
  Tracker tracker(planned_tasks(c), run.metrics, run.history, closed_pace(c));
  const bool ack_before_commit = run.options.seams && run.options.seams->ack_before_commit;
  const ResultCheck correct = [&](std::uint64_t id, const legion::store::Task& task) {
    return test_handler ? test_handler_correct(task) : work.check(id, task.result);
  };

  auto open_observed = [&](bool completions, const std::string& at) {
    StoreObserver observer;
    observer.on_query = [&](std::chrono::nanoseconds d) {
      run.metrics.record_secondary(Metrics::kStoreQuery, SteadyClock::now(), d);
    };
    if (faults) {
      observer.watch = faults->watch();
      observer.on_error = [faults](const std::string& what) {
        faults->events().add("store_error", what);
      };
    }
    if (completions) {
      observer.on_completed = [&](const std::string& key, const legion::store::Completion& done) {
        if (ack_before_commit) return;  // the planted bug acknowledged it already
        std::uint64_t id = 0;
        if (!seq_from_key(key, prefix, id)) return;
        tracker.completed(id, work.check(id, done.result));
        tracker.acknowledged(id, done.lease_token);
      };
      observer.on_dead = [&](const std::string& key) {
        std::uint64_t id = 0;
        if (!seq_from_key(key, prefix, id)) return;
        if (faults) {
          faults->task_failed(id);
          faults->events().add("dead_letter", key);
        }
        tracker.failed(id);
      };
    }
    return observe_store(legion::store::open_store(at), std::move(observer));
  };

  auto probe_store = open_observed(false, url);  // also creates the schema first
  std::unique_ptr<WorkerThreads> threads;
  // Before the processes: their supervisor asks it, so it must outlive them.
  std::unique_ptr<CompletionPoller> poller;
  std::unique_ptr<WorkerProcesses> processes;
  if (c.worker_mode == WorkerMode::kThreads) {
    legion::store::WorkerOptions base;
    base.lease = std::chrono::milliseconds(c.lease_ms);
    base.task_timeout = std::chrono::milliseconds(c.task_timeout_ms);
    // The handler `legion worker` runs, on this thread's connection (the checkpoints), behind
    // the payload's fault fields.
    threads = std::make_unique<WorkerThreads>(
        [&] { return open_observed(true, clients); },
        [&](TaskStore& store) -> legion::store::TaskHandler {
          auto workflow = legion::cli::workflow_task_handler(store, legion::cli::ModelCallSink());
          return [&, workflow](const legion::store::Task& task) {
            if (faults) {
              TaskFaults::apply(nlohmann::json::parse(task.payload, nullptr, false), task.attempts);
            }
            auto result = workflow(task);
            std::uint64_t id = 0;
            if (ack_before_commit && seq_from_key(task.key, prefix, id)) {
              tracker.completed(id, work.check(id, result));
              tracker.acknowledged(id, task.lease_token);
            }
            return result;
          };
        },
        c.workers, c.batch, base);
    threads->start();
  } else {
    if (run.options.legion_bin.empty() || ::access(run.options.legion_bin.c_str(), X_OK) != 0) {
      throw legion::Error("worker processes need the `legion` executable: not found at '" +
                          run.options.legion_bin + "' (pass --legion-bin)");
    }
    WorkerLaunch launch = fx ? fx->launch : WorkerLaunch{};
    launch.restart = c.restart_workers;
    launch.extra_args.insert(launch.extra_args.end(),
                             {"--lease-ms", std::to_string(c.lease_ms), "--task-timeout-ms",
                              std::to_string(c.task_timeout_ms),
                              // Lifecycle lines only: a line per task would flood the logs.
                              "--log-level", "warn"});
    if (test_handler) launch.extra_args.push_back("--test-handler");
    if (fx) {
      // This run's logs only (appended to across restarts within the run).
      launch.log_dir = fx->work_dir / "workers";
      std::filesystem::remove_all(launch.log_dir);
      std::filesystem::create_directories(launch.log_dir);
    }
    // Each exit the supervisor reaps, as it happens.
    launch.exited = [&run, faults](int index, pid_t pid, int status, bool restarted) {
      const std::string what = "worker " + std::to_string(index) + " (pid " + std::to_string(pid) +
                               ") " + describe_status(status);
      if (faults) faults->events().add("worker_exit", what);
      if (faults && restarted)
        faults->events().add("worker_restart", "worker " + std::to_string(index));
      if (run.options.progress && !restarted)
        *run.options.progress << "[" << run.config.name << "] " << what << "\n";
    };
    launch.frozen = [faults](int index, pid_t pid, bool stopped) {
      if (faults) {
        faults->events().add(stopped ? "worker_stopped" : "worker_running",
                             "worker " + std::to_string(index) + " (pid " + std::to_string(pid) +
                                 (stopped ? ") stopped: alive but doing nothing" : ") running"));
      }
    };
    // First: the supervisor asks it which workers did any work.
    poller = std::make_unique<CompletionPoller>(legion::store::open_store(url), prefix, tracker,
                                                correct, faults);
    launch.worked = [seen = poller.get()](const std::string& id) { return seen->worked(id); };
    processes = std::make_unique<WorkerProcesses>(run.options.legion_bin, clients, c.workers,
                                                  c.worker_threads, c.batch, launch);
    processes->start();
    run.monitor.set_pids(processes->pids());
  }
  if (fx) {
    fx->threads = threads.get();
    fx->processes = processes.get();
    faults->start();
  }

  std::atomic<bool> stop{false};
  std::thread probe, restarter;
  // Should anything below throw (a store error), the helper threads still stop and join.
  StopAndJoin guard{stop, {&restarter, &probe}};
  std::unique_ptr<Submitter> submitter;
  // Queue depth and progress, once per bucket, from a connection of its own; and the worker
  // supervisor's verdict: once it gives up, the run stops instead of waiting for the drain.
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
      if (processes) {
        // Kept current after restarts, for the resource monitor.
        run.monitor.set_pids(processes->pids());
        if (!tracker.aborted()) {
          if (auto why = processes->failure(); !why.empty()) {
            run.worker_failure = why;
            tracker.abort();
            stop = true;
          }
        }
      }
      if (SteadyClock::now() >= next_line) {
        progress_line(run, tracker.in_flight(), depth);
        next_line += std::chrono::seconds(1);
      }
      next += width;
      std::this_thread::sleep_until(
          std::min(next, SteadyClock::now() + std::chrono::milliseconds(100)));
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
    auto payload = [&](std::uint64_t id, int agent) {
      std::string base = test_handler ? test_handler_payload(c, id) : work.payload(id, agent);
      const auto extra = faults ? faults->tasks().decorate(id) : nlohmann::json::object();
      if (extra.empty()) return base;
      auto p = nlohmann::json::parse(base);
      p.update(extra);
      return p.dump();
    };
    submitter = std::make_unique<Submitter>(open_observed(false, clients), payload, prefix, tracker,
                                            c.max_attempts);
    run.load = drive_load(
        c, run.start, tracker, [&](std::uint64_t id, int agent) { submitter->push(id, agent); },
        stop);
    if (tracker.aborted()) submitter->abandon();
    submitter->finish();
    if (auto e = submitter->error(); !e.empty()) run.errors.push_back("submit: " + e);
  }
  // Every fault healed before the drain (the schedule ends before the load; this only heals
  // one a shortened run left active).
  if (faults) faults->stop();
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
  if (threads) {
    threads->stop();
    if (auto e = threads->error(); !e.empty()) run.errors.push_back("worker: " + e);
    if (threads->crashes() > 0) run.extra["worker_crashes"] = threads->crashes();
  }
  if (processes) {
    processes->stop();
    run.monitor.set_pids({});
    // A worker the harness killed (or that died of the fault) exits non-zero: not an error of
    // the run when the supervisor restarted it; only a give-up is (the workers verdict).
    if (auto e = processes->error(); !e.empty() && !faults && run.worker_failure.empty()) {
      run.errors.push_back(e);
    }
    run.extra["worker_processes"] = {{"restarts", processes->restarts()},
                                     {"summaries", processes->summaries()}};
  }
  poller.reset();
  run.history.close_open_operations();
  if (fx) faults->finish(run.extra);

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
          if (correct(id, task)) {
            run.drained.completed.push_back(id);
            run.drained.done_token[id] = task.lease_token;
          } else {
            run.drained.failed.push_back(id);
            run.drained.wrong.push_back(id);
          }
          break;
        }
        case legion::store::TaskState::kDead:
        case legion::store::TaskState::kCancelled:
          run.drained.failed.push_back(id);
          break;
        default:
          ++run.drained.pending;
          if (run.drained.pending_keys.size() < Audit::kSample) {
            run.drained.pending_keys.push_back(task.key);
          }
      }
    }
    after = page.back().id;
  }
  const auto ledger = store->verify(true);
  run.extra_unexpected = static_cast<std::uint64_t>(ledger.unexpected);
  run.extra_duplicated = static_cast<std::uint64_t>(ledger.duplicated);
  run.ledger_lost = ledger.lost;
  run.ledger_lost_keys = run.drained.pending_keys;
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
    const std::string path = legion::store::parse_store_url(url).location;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
}

}  // namespace stress::detail
