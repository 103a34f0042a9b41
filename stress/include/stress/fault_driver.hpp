#pragma once
// Runs a failure scenario's fault schedule: draws it from the seed, makes one injector per
// kind, prepares them before the workers start, then on a thread of its own injects and heals
// each fault at its moment, logging both (and every symptom the harness reports) in the event
// log. Also watches the store calls in flight: one stuck longer than `stall_ms` is a symptom.
#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "stress/fault.hpp"
#include "stress/observed_store.hpp"

namespace stress {

struct AppliedFault {
  ScheduledFault planned;
  double inject_s = -1.0;  // actual; -1: never injected (the run ended first)
  double heal_s = -1.0;
  std::string error;  // an injection or heal that failed
};

class FaultDriver {
 public:
  FaultDriver(const ScenarioConfig& config, std::uint64_t seed, std::filesystem::path work_dir);
  ~FaultDriver();  // stops
  FaultDriver(const FaultDriver&) = delete;
  FaultDriver& operator=(const FaultDriver&) = delete;

  // The load as the faults reshape it (overload); call before the run.
  void shape_load(ScenarioConfig& config) const;
  // Every injector's prepare() (context().pg_url set first for PostgreSQL); throws
  // EnvironmentMissing (cleanup is the destructor's). Before the run's clock starts: set-up
  // time (namespaces, a proxy) must not delay the load.
  void prepare();
  // The schedule's times count from `start` (the run's t = 0).
  void set_start(SteadyClock::time_point start);
  void start();  // the schedule's thread (and the stall watchdog)
  void stop();   // heals whatever is still injected, joins
  void finish(nlohmann::json& report);

  FaultContext& context() { return context_; }
  FaultEvents& events() { return events_; }
  TaskFaults& tasks() { return tasks_; }
  const TaskFaults& tasks() const { return tasks_; }
  const FaultEvents& events() const { return events_; }
  const std::shared_ptr<CallWatch>& watch() const { return watch_; }
  // A failure of task `id` was recorded now: counted apart when the task was poisoned on purpose.
  void task_failed(std::uint64_t id);
  std::vector<double> expected_failures_per_second() const;

  std::vector<AppliedFault> applied() const;
  const std::vector<FaultCheck>& checks() const { return context_.checks; }
  nlohmann::json report() const;  // schedule, injectors, events

 private:
  void run();
  FaultInjector& injector_for(const std::string& type) const;

  SteadyClock::time_point start_;
  FaultEvents events_;
  TaskFaults tasks_;
  FaultContext context_;
  std::vector<ScheduledFault> schedule_;
  std::vector<std::unique_ptr<FaultInjector>> injectors_;
  std::shared_ptr<CallWatch> watch_ = std::make_shared<CallWatch>();

  mutable std::mutex mutex_;
  std::vector<AppliedFault> applied_;
  std::vector<double> expected_failures_;  // per second
  std::atomic<bool> stop_{false};
  std::thread thread_, watchdog_;
};

}  // namespace stress
