#pragma once
// What `legion worker --metrics-addr` exposes, in Prometheus' text format (version 0.0.4), on
// prometheus-cpp's registry: the worker's task counters, the queue as the store sees it, the
// model calls its workflows made, the store's latency, and the process's own figures. The
// names and their meaning are listed in docs/operations.md. Every method is thread-safe.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "legion/store/task_store.hpp"

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace legion::cli {

class WorkerMetrics {
 public:
  explicit WorkerMetrics(const std::string& worker_id);
  ~WorkerMetrics();
  WorkerMetrics(const WorkerMetrics&) = delete;
  WorkerMetrics& operator=(const WorkerMetrics&) = delete;

  void claimed(const store::Task& task);        // counts a retry when it is not the first attempt
  void ran(std::chrono::nanoseconds duration);  // a handler returned (before its commit)
  void completed();                             // a completion committed
  void failed(std::optional<store::TaskState> next);  // kFailed: will retry; kDead: dead letter
  void rejected();    // the completion was fenced: the lease had expired and moved on
  void lease_lost();  // a heartbeat found the lease gone
  void released();
  void model_call(std::chrono::nanoseconds duration, std::uint64_t prompt_tokens,
                  std::uint64_t completion_tokens);
  void store_call(const char* operation, std::chrono::nanoseconds duration, bool ok);
  // What QueueSampler::sample() returned, and its whole_count_interval().
  void queue(const store::Stats& stats, std::chrono::nanoseconds count_interval);
  void draining(bool on);

  // The whole exposition, process figures read now.
  std::string render();

 private:
  struct Families;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Families> f_;
};

}  // namespace legion::cli
