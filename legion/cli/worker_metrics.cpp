#include "worker_metrics.hpp"

#include <dirent.h>
#include <malloc.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>

#include "legion/store/sqlite_db.hpp"

namespace legion::cli {
namespace {

using prometheus::Counter;
using prometheus::Gauge;
using prometheus::Histogram;

double seconds(std::chrono::nanoseconds d) {
  return std::chrono::duration<double>(d).count();
}

// Model calls take milliseconds (a simulated model) to a minute (a remote one).
const Histogram::BucketBoundaries kModelBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
const Histogram::BucketBoundaries kTaskBuckets = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1,
                                                  5,     10,    30,   60,   300, 900};
// A commit waits for an fsync: tens of microseconds to a few hundred milliseconds.
const Histogram::BucketBoundaries kStoreBuckets = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

struct ProcessFigures {
  double rss_bytes = 0, cpu_seconds = 0, open_fds = 0, start_time = 0;
};

ProcessFigures read_process() {
  ProcessFigures p;
  const long page = sysconf(_SC_PAGESIZE);
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  if (statm >> size >> resident) p.rss_bytes = static_cast<double>(resident) * page;
  std::ifstream stat_file("/proc/self/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  // Fields after the command name (in parentheses, which may hold spaces): state is field 3.
  auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream rest(stat.substr(close + 2));
    std::string field;
    double utime = 0, stime = 0, starttime = 0;
    for (int i = 3; rest >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
      if (i == 22) {
        starttime = std::stod(field);
        break;
      }
    }
    p.cpu_seconds = (utime + stime) / ticks;
    std::ifstream uptime_file("/proc/uptime");
    double uptime = 0;
    if (uptime_file >> uptime) {
      const double now =
          static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()) /
          1000.0;
      p.start_time = now - uptime + starttime / ticks;
    }
  }
  if (DIR* dir = opendir("/proc/self/fd")) {
    int n = 0;
    while (readdir(dir)) ++n;
    closedir(dir);
    p.open_fds = n - 3;  // ".", ".." and the directory's own descriptor
  }
  return p;
}

}  // namespace

struct WorkerMetrics::Families {
  explicit Families(prometheus::Registry& r, const std::string& worker_id)
      : claimed(prometheus::BuildCounter()
                    .Name("legion_worker_tasks_claimed_total")
                    .Help("Tasks this worker leased")
                    .Register(r)
                    .Add({})),
        retries(prometheus::BuildCounter()
                    .Name("legion_worker_task_retries_total")
                    .Help("Leased tasks that had been tried before (after a failure or an "
                          "expired lease)")
                    .Register(r)
                    .Add({})),
        completed(prometheus::BuildCounter()
                      .Name("legion_worker_tasks_completed_total")
                      .Help("Tasks whose completion this worker committed (the effect recorded)")
                      .Register(r)
                      .Add({})),
        failed_family(prometheus::BuildCounter()
                          .Name("legion_worker_tasks_failed_total")
                          .Help("Task runs that failed; next=retry goes back after a backoff, "
                                "next=dead is a dead letter")
                          .Register(r)),
        failed_retry(failed_family.Add({{"next", "retry"}})),
        failed_dead(failed_family.Add({{"next", "dead"}})),
        rejected(prometheus::BuildCounter()
                     .Name("legion_worker_tasks_rejected_total")
                     .Help("Completions fenced off because the lease had expired and moved on")
                     .Register(r)
                     .Add({})),
        lease_expiries(prometheus::BuildCounter()
                           .Name("legion_worker_lease_expiries_total")
                           .Help("Leases this worker found expired (a heartbeat or a completion "
                                 "came too late)")
                           .Register(r)
                           .Add({})),
        released(prometheus::BuildCounter()
                     .Name("legion_worker_tasks_released_total")
                     .Help("Leases handed back unused while shutting down")
                     .Register(r)
                     .Add({})),
        task_seconds(prometheus::BuildHistogram()
                         .Name("legion_worker_task_duration_seconds")
                         .Help("Handler time of the task runs that returned a result")
                         .Register(r)
                         .Add({}, kTaskBuckets)),
        queue(prometheus::BuildGauge()
                  .Name("legion_queue_tasks")
                  .Help("Tasks in the store by state. queued, leased and failed: read every "
                        "second. done, dead and cancelled: from the last whole count of the "
                        "store, made again legion_queue_count_interval_seconds after it")
                  .Register(r)),
        count_interval(prometheus::BuildGauge()
                           .Name("legion_queue_count_interval_seconds")
                           .Help("How long the done, dead and cancelled counts may wait for "
                                 "their next whole count: 1 s, or 100 times what the last one "
                                 "took (the count's cost grows with the store)")
                           .Register(r)
                           .Add({})),
        model_calls(prometheus::BuildCounter()
                        .Name("legion_model_calls_total")
                        .Help("Model calls made by this worker's workflows")
                        .Register(r)
                        .Add({})),
        model_seconds(prometheus::BuildHistogram()
                          .Name("legion_model_call_duration_seconds")
                          .Help("Latency of one model call")
                          .Register(r)
                          .Add({}, kModelBuckets)),
        tokens(prometheus::BuildCounter()
                   .Name("legion_model_tokens_total")
                   .Help("Tokens of this worker's model calls")
                   .Register(r)),
        prompt_tokens(tokens.Add({{"kind", "prompt"}})),
        completion_tokens(tokens.Add({{"kind", "completion"}})),
        store_seconds(prometheus::BuildHistogram()
                          .Name("legion_store_operation_duration_seconds")
                          .Help("Latency of store calls by operation")
                          .Register(r)),
        store_errors(prometheus::BuildCounter()
                         .Name("legion_store_errors_total")
                         .Help("Store calls that failed, by operation")
                         .Register(r)),
        draining(prometheus::BuildGauge()
                     .Name("legion_worker_draining")
                     .Help("1 once a stop was requested (SIGTERM/SIGINT): no new claims")
                     .Register(r)
                     .Add({})),
        rss(prometheus::BuildGauge()
                .Name("process_resident_memory_bytes")
                .Help("Resident memory size in bytes")
                .Register(r)
                .Add({})),
        cpu(prometheus::BuildCounter()
                .Name("process_cpu_seconds_total")
                .Help("User and system CPU time spent in seconds")
                .Register(r)
                .Add({})),
        fds(prometheus::BuildGauge()
                .Name("process_open_fds")
                .Help("Number of open file descriptors")
                .Register(r)
                .Add({})),
        start_time(prometheus::BuildGauge()
                       .Name("process_start_time_seconds")
                       .Help("Start time of the process since the epoch in seconds")
                       .Register(r)
                       .Add({})),
        heap(prometheus::BuildGauge()
                 .Name("legion_process_heap_bytes")
                 .Help("Bytes malloc has handed out and not had back, over every arena "
                       "(mallinfo2): resident memory rising while this stays flat is the "
                       "allocator keeping freed pages, not live objects; 0 under a sanitizer, "
                       "whose allocator mallinfo2 does not see")
                 .Register(r)
                 .Add({})),
        sqlite(prometheus::BuildGauge()
                   .Name("legion_sqlite_memory_bytes")
                   .Help("Bytes SQLite holds in this process, mostly its connections' page "
                         "caches (up to 16 MiB each), which fill as the store grows: not a "
                         "leak; NaN when SQLite keeps no memory statistics")
                   .Register(r)
                   .Add({})) {
    prometheus::BuildGauge()
        .Name("legion_worker_info")
        .Help("The worker's identity (value 1)")
        .Register(r)
        .Add({{"worker_id", worker_id}})
        .Set(1);
    for (auto state :
         {store::TaskState::kQueued, store::TaskState::kLeased, store::TaskState::kDone,
          store::TaskState::kFailed, store::TaskState::kDead, store::TaskState::kCancelled}) {
      queue.Add({{"state", store::to_string(state)}});
    }
  }

  Counter& claimed;
  Counter& retries;
  Counter& completed;
  prometheus::Family<Counter>& failed_family;
  Counter& failed_retry;
  Counter& failed_dead;
  Counter& rejected;
  Counter& lease_expiries;
  Counter& released;
  Histogram& task_seconds;
  prometheus::Family<Gauge>& queue;
  Gauge& count_interval;
  Counter& model_calls;
  Histogram& model_seconds;
  prometheus::Family<Counter>& tokens;
  Counter& prompt_tokens;
  Counter& completion_tokens;
  prometheus::Family<Histogram>& store_seconds;
  prometheus::Family<Counter>& store_errors;
  Gauge& draining;
  Gauge& rss;
  Counter& cpu;
  double cpu_seen = 0;  // what `cpu` has counted so far (a counter only moves forward)
  std::mutex render_mutex;
  Gauge& fds;
  Gauge& start_time;
  Gauge& heap;
  Gauge& sqlite;
};

WorkerMetrics::WorkerMetrics(const std::string& worker_id)
    : registry_(std::make_shared<prometheus::Registry>()),
      f_(std::make_unique<Families>(*registry_, worker_id)) {}

WorkerMetrics::~WorkerMetrics() = default;

void WorkerMetrics::claimed(const store::Task& task) {
  f_->claimed.Increment();
  if (task.attempts > 1) f_->retries.Increment();
}

void WorkerMetrics::ran(std::chrono::nanoseconds duration) {
  f_->task_seconds.Observe(seconds(duration));
}

void WorkerMetrics::completed() {
  f_->completed.Increment();
}

void WorkerMetrics::failed(std::optional<store::TaskState> next) {
  if (next == store::TaskState::kDead) {
    f_->failed_dead.Increment();
  } else if (next == store::TaskState::kFailed) {
    f_->failed_retry.Increment();
  } else {
    lease_lost();  // the failure could not be recorded: the lease had moved on
  }
}

void WorkerMetrics::rejected() {
  f_->rejected.Increment();
  f_->lease_expiries.Increment();
}

void WorkerMetrics::lease_lost() {
  f_->lease_expiries.Increment();
}

void WorkerMetrics::released() {
  f_->released.Increment();
}

void WorkerMetrics::model_call(std::chrono::nanoseconds duration, std::uint64_t prompt_tokens,
                               std::uint64_t completion_tokens) {
  f_->model_calls.Increment();
  f_->model_seconds.Observe(seconds(duration));
  f_->prompt_tokens.Increment(static_cast<double>(prompt_tokens));
  f_->completion_tokens.Increment(static_cast<double>(completion_tokens));
}

void WorkerMetrics::store_call(const char* operation, std::chrono::nanoseconds duration, bool ok) {
  f_->store_seconds.Add({{"operation", operation}}, kStoreBuckets).Observe(seconds(duration));
  if (!ok) f_->store_errors.Add({{"operation", operation}}).Increment();
}

void WorkerMetrics::queue(const store::Stats& stats, std::chrono::nanoseconds count_interval) {
  f_->count_interval.Set(seconds(count_interval));
  f_->queue.Add({{"state", "queued"}}).Set(static_cast<double>(stats.queued));
  f_->queue.Add({{"state", "leased"}}).Set(static_cast<double>(stats.leased));
  f_->queue.Add({{"state", "done"}}).Set(static_cast<double>(stats.done));
  f_->queue.Add({{"state", "failed"}}).Set(static_cast<double>(stats.failed));
  f_->queue.Add({{"state", "dead"}}).Set(static_cast<double>(stats.dead));
  f_->queue.Add({{"state", "cancelled"}}).Set(static_cast<double>(stats.cancelled));
}

void WorkerMetrics::draining(bool on) {
  f_->draining.Set(on ? 1 : 0);
}

std::string WorkerMetrics::render() {
  const auto p = read_process();
  std::lock_guard lock(f_->render_mutex);
  f_->rss.Set(p.rss_bytes);
  if (p.cpu_seconds > f_->cpu_seen) {
    f_->cpu.Increment(p.cpu_seconds - f_->cpu_seen);
    f_->cpu_seen = p.cpu_seconds;
  }
  f_->fds.Set(p.open_fds);
  f_->start_time.Set(p.start_time);
  const struct mallinfo2 heap = mallinfo2();
  f_->heap.Set(static_cast<double>(heap.uordblks + heap.hblkhd));
  // The same figure legion-stress subtracts from RSS before its leak verdict (docs/stress.md).
  const std::int64_t sqlite = store::sqlite_memory_used_bytes();
  f_->sqlite.Set(sqlite >= 0 ? static_cast<double>(sqlite)
                             : std::numeric_limits<double>::quiet_NaN());
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace legion::cli
