#pragma once
// Detail of the runner: what a workload (agent tasks through the store, or bus messages)
// hands back to run_scenario, which turns it into the result and the verdicts.
#include <atomic>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "stress/config.hpp"
#include "stress/fault_driver.hpp"
#include "stress/history.hpp"
#include "stress/metrics.hpp"
#include "stress/monitor.hpp"
#include "stress/runner.hpp"

namespace stress::detail {

struct WorkloadRun {
  WorkloadRun(const ScenarioConfig& c, const RunOptions& o, SteadyClock::time_point s, Metrics& m,
              History& h, ResourceMonitor& r)
      : config(c), options(o), start(s), metrics(m), history(h), monitor(r), load_end(s) {}

  const ScenarioConfig& config;
  const RunOptions& options;
  SteadyClock::time_point start;
  Metrics& metrics;
  History& history;
  ResourceMonitor& monitor;

  // Filled by the workload.
  nlohmann::json load;   // the load model's report
  nlohmann::json extra;  // workload-specific parts of the result
  Drained drained;
  std::uint64_t extra_unexpected = 0;  // from the store's own ledger
  std::uint64_t extra_duplicated = 0;
  std::optional<double> restart_at_s;  // when the workers were restarted
  SteadyClock::time_point load_end;    // last completion or the drain deadline
  std::vector<std::string> errors;     // environment problems; any makes the run fail

  FaultDriver* faults = nullptr;              // a failure scenario's schedule, or none
  std::string worker_failure;                 // the worker supervisor gave up: why
  std::int64_t ledger_lost = 0;               // the store's own count of lost tasks
  std::vector<std::string> ledger_lost_keys;  // some of them, by key
};

void run_agent_tasks(WorkloadRun& run);
void run_bus_flood(WorkloadRun& run);

// Sets `stop` and joins the threads (those started) when released or destroyed, so an
// exception between starting a helper thread and joining it does not end the process.
struct StopAndJoin {
  std::atomic<bool>& stop;
  std::vector<std::thread*> threads;
  void release() {
    stop = true;
    for (auto* t : threads) {
      if (t->joinable()) t->join();
    }
  }
  ~StopAndJoin() { release(); }
};

// Prints a progress line every second until `done`; runs on its own thread.
void progress_line(const WorkloadRun& run, std::uint64_t in_flight, std::int64_t depth);

}  // namespace stress::detail
