#include "worker_service.hpp"

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <ostream>
#include <system_error>
#include <thread>
#include <vector>

#include "legion/error.hpp"
#include "legion/store/observed_store.hpp"
#include "metrics_server.hpp"
#include "queue_sampler.hpp"
#include "shutdown.hpp"
#include "worker_metrics.hpp"

namespace legion::cli {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

// The leases this process holds, across its threads: what a forced stop hands back.
class HeldLeases {
 public:
  struct Lease {
    std::int64_t token;
    std::string key;
  };
  void add(const std::vector<store::Task>& tasks) {
    std::lock_guard lock(mutex_);
    for (const auto& t : tasks) held_[t.id] = {t.lease_token, t.key};
  }
  std::string remove(std::int64_t id) {
    std::lock_guard lock(mutex_);
    auto it = held_.find(id);
    if (it == held_.end()) return {};
    std::string key = std::move(it->second.key);
    held_.erase(it);
    return key;
  }
  std::string key(std::int64_t id) const {
    std::lock_guard lock(mutex_);
    auto it = held_.find(id);
    return it == held_.end() ? std::string() : it->second.key;
  }
  std::map<std::int64_t, Lease> snapshot() const {
    std::lock_guard lock(mutex_);
    return held_;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::int64_t, Lease> held_;
};

// What the probes report: the store's last answer, and the first fatal error.
class Health {
 public:
  void store_call(const char* operation, bool ok) {
    std::lock_guard lock(mutex_);
    store_seen_ = true;
    store_ok_ = ok;
    if (!ok) failed_operation_ = operation;
  }
  void fatal(const std::string& error) {
    std::lock_guard lock(mutex_);
    if (fatal_.empty()) fatal_ = error;
  }
  Probe health() const {
    std::lock_guard lock(mutex_);
    if (!fatal_.empty()) return {false, "worker thread failed: " + fatal_};
    return {};
  }
  Probe ready(bool stopping) const {
    std::lock_guard lock(mutex_);
    if (stopping) return {false, "stopping: no new tasks are claimed"};
    if (!fatal_.empty()) return {false, "worker thread failed: " + fatal_};
    if (!store_seen_) return {false, "store not reached yet"};
    if (!store_ok_) return {false, "store: the last " + failed_operation_ + " failed"};
    return {};
  }

 private:
  mutable std::mutex mutex_;
  bool store_seen_ = false;
  bool store_ok_ = false;
  std::string failed_operation_;
  std::string fatal_;
};

}  // namespace

void run_worker_service(const WorkerServiceOptions& options, const HandlerFactory& handlers,
                        CliIo io) {
  const std::string id = options.id.empty() ? "worker-" + std::to_string(getpid()) : options.id;
  JsonLog log(io.err, options.log_level, {{"worker", id}});
  WorkerMetrics metrics(id);
  HeldLeases held;
  Health health;
  Shutdown shutdown;

  // First, before any other thread exists: they inherit the blocked signals.
  SignalWatcher signals({[&](int signal, int count) {
                           const char* name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
                           if (count == 1) {
                             shutdown.request(options.stop_grace, name);
                             metrics.draining(true);
                             log.info("stop_requested", {{"signal", name},
                                                         {"grace_ms", options.stop_grace.count()},
                                                         {"held_leases", held.snapshot().size()}});
                           } else {
                             shutdown.request(std::chrono::milliseconds(0), name);
                             log.warn("stop_now", {{"signal", name}});
                           }
                         },
                         [&] {
                           log.info("sighup",
                                    {{"reloaded", json::array()},
                                     {"note",
                                      "nothing to reload: the store, concurrency and lease are "
                                      "fixed for the process's life and each task carries its "
                                      "own workflow spec; restart to change them"}});
                         }});

  std::unique_ptr<MetricsServer> server;
  if (!options.metrics_addr.empty()) {
    server = std::make_unique<MetricsServer>(
        options.metrics_addr,
        EndpointHandlers{[&] { return metrics.render(); }, [&] { return health.health(); },
                         [&] { return health.ready(shutdown.requested()); }});
    log.info("metrics_listening",
             {{"addr", server->host() + ":" + std::to_string(server->port())}});
  }

  store::StoreObserver observer;
  observer.on_call = [&](const char* operation, std::chrono::nanoseconds d, bool ok) {
    metrics.store_call(operation, d, ok);
    health.store_call(operation, ok);
  };
  observer.on_claimed = [&](const std::vector<store::Task>& tasks) {
    held.add(tasks);
    for (const auto& t : tasks) {
      metrics.claimed(t);
      log.debug("task_claimed", {{"task", t.id}, {"key", t.key}, {"attempt", t.attempts}});
    }
  };
  observer.on_completed = [&](std::span<const store::Completion> batch,
                              const std::vector<store::CompleteOutcome>& outcomes) {
    for (std::size_t i = 0; i < batch.size() && i < outcomes.size(); ++i) {
      const std::string key = held.remove(batch[i].task_id);
      if (outcomes[i] == store::CompleteOutcome::kRejected) {
        metrics.rejected();
        log.warn("completion_rejected",
                 {{"task", batch[i].task_id}, {"key", key}, {"why", "lease expired and moved on"}});
      } else if (outcomes[i] == store::CompleteOutcome::kAccepted) {
        metrics.completed();
        log.debug("task_completed", {{"task", batch[i].task_id}, {"key", key}});
      }
    }
  };
  observer.on_failed = [&](std::int64_t task, std::optional<store::TaskState> next) {
    const std::string key = held.remove(task);
    metrics.failed(next);
    if (next == store::TaskState::kDead) log.warn("task_dead", {{"task", task}, {"key", key}});
  };
  observer.on_released = [&](std::int64_t task, bool released) {
    const std::string key = held.remove(task);
    if (released) {
      metrics.released();
      log.info("task_released", {{"task", task}, {"key", key}});
    }
  };
  observer.on_heartbeat = [&](std::int64_t task, bool kept) {
    if (kept) return;
    // The lease keeper beats for its whole batch: a task this worker already failed or
    // released is no longer held, and its refused beat is no lost lease.
    const std::string key = held.key(task);
    if (key.empty()) return;
    metrics.lease_lost();
    log.warn("lease_lost", {{"task", task}, {"key", key}});
  };
  // Every connection of this worker: the one place a store option for all of them goes.
  store::StoreOptions store_options;
  store_options.interrupt = shutdown.flag();  // SIGTERM stops a PostgreSQL reconnect too
  auto open_observed = [&] {
    return store::observe_store(store::open_store(options.url, store_options), observer);
  };
  const ModelCallSink model_calls = [&](std::chrono::nanoseconds d, std::uint64_t prompt,
                                        std::uint64_t completion) {
    metrics.model_call(d, prompt, completion);
  };

  log.info("worker_started", {{"concurrency", options.concurrency},
                              {"batch", options.batch},
                              {"lease_ms", options.lease.count()},
                              {"task_timeout_ms", options.task_timeout.count()},
                              {"drain", options.exit_when_drained},
                              {"stop_grace_ms", options.stop_grace.count()},
                              {"give_up_ms", options.give_up.count()}});

  // A store outage is said, not waited out in silence: its first error, then one line every
  // 10 s while it lasts.
  std::mutex said_mutex;
  std::optional<Clock::time_point> said;
  const auto say_store_error = [&](const store::StoreError& error) {
    {
      std::lock_guard lock(said_mutex);
      const auto now = Clock::now();
      if (said && now - *said < std::chrono::seconds(10)) return;
      said = now;
    }
    log.warn("store_error", {{"error", error.what()},
                             {"give_up_ms", options.give_up.count()},
                             {"note", "waiting it out; said again every 10 s while it lasts"}});
  };

  // A thread the system refuses (`ulimit -u`, memory for stacks): one line naming it.
  const auto refused = [&](const std::string& what, const std::system_error& error) {
    return Error("worker: cannot start " + what + " (" + error.code().message() + ")");
  };

  // The queue gauges and the readiness probe's view of the store, once a second; the whole
  // count of the finished states within 1 % of a core (queue_sampler.hpp).
  QueueSampler queue_sampler({});
  std::mutex sampler_mutex;
  std::condition_variable sampler_wake;
  bool sampler_done = false;
  std::thread sampler;
  try {
    sampler = std::thread([&] {
      std::unique_ptr<store::TaskStore> store;
      std::unique_lock lock(sampler_mutex);
      while (!sampler_done) {
        lock.unlock();
        try {
          if (!store) store = open_observed();
          metrics.queue(queue_sampler.sample(*store), queue_sampler.whole_count_interval());
        } catch (const std::exception& error) {
          health.store_call("stats", false);
          store.reset();
        }
        lock.lock();
        sampler_wake.wait_for(lock, std::chrono::seconds(1), [&] { return sampler_done; });
      }
    });
  } catch (const std::system_error& error) {
    throw refused("the queue sampler thread", error);
  }
  auto stop_sampler = [&] {
    {
      std::lock_guard lock(sampler_mutex);
      sampler_done = true;
    }
    sampler_wake.notify_all();
    sampler.join();
  };

  std::vector<store::WorkerReport> reports(static_cast<std::size_t>(options.concurrency));
  std::vector<std::thread> threads;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  std::atomic<int> running{options.concurrency};
  for (int t = 0; t < options.concurrency; ++t) {
    try {
      threads.emplace_back([&, t] {
        try {
          auto store = open_observed();
          store::TaskHandler inner = handlers(*store, model_calls);
          store::TaskHandler handler = [&](const store::Task& task) {
            const auto start = Clock::now();
            try {
              std::string result = inner(task);
              metrics.ran(Clock::now() - start);
              return result;
            } catch (const std::bad_alloc&) {
              throw;  // no task failure: run_worker ends this thread with it (see worker.hpp)
            } catch (const std::exception& error) {
              log.warn("task_failed", {{"task", task.id},
                                       {"key", task.key},
                                       {"attempt", task.attempts},
                                       {"max_attempts", task.max_attempts},
                                       {"error", error.what()}});
              throw;
            }
          };
          store::WorkerOptions worker;
          worker.worker_id = id + "/" + std::to_string(t);
          worker.batch = options.batch;
          worker.lease = options.lease;
          worker.task_timeout = options.task_timeout;
          worker.exit_when_drained = options.exit_when_drained;
          worker.stop = shutdown.flag();
          worker.on_store_error = say_store_error;
          worker.give_up_after = options.give_up;
          reports[static_cast<std::size_t>(t)] = store::run_worker(*store, worker, handler);
        } catch (const std::exception& error) {
          health.fatal(error.what());
          log.error("worker_thread_failed", {{"thread", t}, {"error", error.what()}});
          {
            std::lock_guard lock(failure_mutex);
            if (!failure) failure = std::current_exception();
          }
          shutdown.request(options.stop_grace, "a worker thread failed");
        }
        --running;
        shutdown.notify();
      });
    } catch (const std::system_error& error) {
      // The threads already started stop at once; none was counted for the refused ones.
      shutdown.request(std::chrono::milliseconds(0), "a worker thread could not start");
      for (auto& thread : threads) thread.join();
      stop_sampler();
      throw refused(
          "worker thread " + std::to_string(t + 1) + " of " + std::to_string(options.concurrency),
          error);
    }
  }

  const bool finished = shutdown.wait([&] { return running.load() == 0; });
  if (!finished) {
    // The grace period is over and some task still runs: hand every lease back so another
    // worker resumes it (from its last checkpoint) now, and leave without waiting. A late
    // completion from a thread still running is fenced off by the store.
    auto leases = held.snapshot();
    std::size_t released = 0;
    try {
      store::StoreOptions quick = store_options;
      quick.reconnect_deadline = std::chrono::milliseconds(2000);
      quick.interrupt = nullptr;  // set by now: the release's own deadline bounds it instead
      auto store = store::open_store(options.url, quick);
      for (const auto& [task, lease] : leases) released += store->release(task, lease.token);
    } catch (const std::exception& error) {
      log.error("release_failed", {{"error", error.what()},
                                   {"note", "the leases expire on their own after --lease-ms"}});
    }
    log.warn("stopped_at_deadline",
             {{"reason", shutdown.reason()}, {"held", leases.size()}, {"released", released}});
    io.out << "worker " << id << ": stopped at the grace deadline, " << released << " of "
           << leases.size() << " leases released\n"
           << std::flush;
    io.err << std::flush;
    // Threads are still inside handlers; destructors would wait for them. Nothing of ours is
    // left to flush, and the store's files are consistent at any instant (as after kill -9).
    std::_Exit(released == leases.size() ? 0 : 1);
  }
  for (auto& thread : threads) thread.join();
  stop_sampler();
  server.reset();
  if (failure) std::rethrow_exception(failure);

  store::WorkerReport total;
  for (const auto& r : reports) {
    total.completed += r.completed;
    total.failed += r.failed;
    total.rejected += r.rejected;
    total.store_errors += r.store_errors;
    total.released += r.released;
    total.timed_out += r.timed_out;
  }
  log.info("worker_stopped", {{"completed", total.completed},
                              {"failed", total.failed},
                              {"rejected", total.rejected},
                              {"released", total.released},
                              {"store_errors", total.store_errors},
                              {"timed_out", total.timed_out},
                              {"reason", shutdown.requested() ? shutdown.reason() : "drained"}});
  io.out << "worker " << id << ": completed " << total.completed << ", failed " << total.failed
         << ", rejected " << total.rejected << ", released " << total.released
         << ", store errors waited out " << total.store_errors << ", timed out " << total.timed_out
         << "\n";
}

}  // namespace legion::cli
