#pragma once
// A stress scenario as read from one JSON file (format in docs/stress.md). Parsing is strict:
// an unknown field, a wrong type or an out-of-range value is a legion::ConfigError whose
// message starts with "FILE: field 'NAME'", so a typo never silently runs with a default.
// The figures in a file are the full-scale ones; scaled() derives a shorter run from them.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stress/fault_schedule.hpp"

namespace stress {

// One stage of an open (arrival-rate) model: the rate moves linearly from the previous
// stage's end rate to `rate` over `ramp_s`, then holds for the rest of `duration_s`.
struct Stage {
  double rate = 0.0;  // arrivals per second; stays per-second under time scaling
  double duration_s = 0.0;
  double ramp_s = 0.0;
};

enum class LoadModel {
  kClosed,   // N agents, each submits a task and waits for it, paced to reach `tasks`
  kOpen,     // arrivals on a schedule of stages, whatever the system's speed
  kBacklog,  // every task queued at once, then drained
};

enum class Workload {
  kAgentTasks,  // an agent run on the simulated model, through the durable task store
  kBusFlood,    // messages published on the message bus, consumed by subscribers
};

enum class WorkerMode { kThreads, kProcesses };

struct Thresholds {
  std::optional<double> p99_ms;      // corrected p99 latency
  std::optional<double> error_rate;  // (fail + info) / invoked, strictly below
  // No `lost` here: the zero-loss verdict is not configurable (a config may say "lost": 0,
  // nothing else).
  std::optional<double> leak_kb_per_min;         // upper 95% bound of the RSS slope
  std::optional<double> recovery_s;              // after the restart, strictly below
  std::optional<double> degradation_ms_per_min;  // upper bound of the latency slope
  std::optional<double> min_throughput;          // completions per second over the run
};

struct ScenarioConfig {
  std::string name;
  std::string description;
  std::filesystem::path source;  // the file it came from

  Workload workload = Workload::kAgentTasks;
  LoadModel model = LoadModel::kClosed;
  int agents = 10;            // closed model: concurrent agents (not scaled)
  double ramp_s = 0.0;        // closed model: agents start evenly over this time
  long long tasks = 1000;     // total tasks or messages (scaled)
  double duration_s = 300;    // scaled
  std::vector<Stage> stages;  // open model
  std::string model_latency = "fixed:2ms";

  // Durable store: "sqlite" (a file under --out) or "postgresql" (--pg-url / LEGION_PG_URL).
  std::string store = "sqlite";
  WorkerMode worker_mode = WorkerMode::kThreads;
  int workers = 2;                     // worker threads, or worker processes
  int worker_threads = 1;              // threads per worker process
  int batch = 16;                      // tasks per claim / group commit
  std::optional<double> restart_at_s;  // stop every worker then start them again (scaled)
  int lease_ms = 30'000;               // the workers' lease (renewed every lease/3)
  int task_timeout_ms = 0;             // a handler running longer loses its lease (0: never)
  int max_attempts = 0;                // per task; 0: the store's default
  // Worker processes that exit on their own are restarted, unless they exit within
  // `min_uptime_s` of their start `crash_loop` times in a row (then the run fails).
  bool restart_workers = true;
  // PostgreSQL without --pg-url: start a throwaway server (scripts/postgres) for the run.
  bool start_server = false;

  int subscribers = 1;         // bus workload: consumers of the topic
  bool limit_search = false;   // bus: one rate per stage; the limit is the last one kept up with
  double limit_p99_ms = 10.0;  // a stage is kept up with when its deliveries' p99 is below
  double consume_us = 0.0;     // bus: work per delivery, so the consumers' capacity is known

  double warmup_fraction = 0.25;  // leak and degradation fits skip this share of the run
  // A trend over less data than this (seconds after warm-up, not scaled) is reported but not
  // judged: a slope per minute from a few seconds is noise (a smoke run checks the machinery).
  double min_trend_window_s = 60.0;
  double late_tolerance_ms = 1.0;  // an arrival started later than this counts as late
  long long max_backlog = 100000;  // open model: arrivals beyond this many in flight are dropped
  double drain_timeout_s = 60.0;   // after the last arrival; not scaled
  double sample_hz = 10.0;         // resource monitor

  long long min_tasks = 20;  // floors applied by scaled()
  double min_duration_s = 1.0;

  Thresholds thresholds;
  FaultsConfig faults;  // failure scenarios: the fault schedule (empty: none)
  // The effective scaling factor scaled() applied (1 at full scale), reported in the result.
  double time_factor = 1.0;
  nlohmann::json raw;  // the file as read, echoed in the result
};

// Throws legion::ConfigError "FILE: field 'NAME': reason".
ScenarioConfig parse_config(const nlohmann::json& document, const std::filesystem::path& source);
ScenarioConfig load_config(const std::filesystem::path& file);
// load_config after the read: `text` as read from `file` (named in the errors).
ScenarioConfig parse_config_text(std::string_view text, const std::filesystem::path& file);

// Durations (run, ramps, stages, restart) times `factor`, floored at min_duration_s for the
// run (the parts stretch with the floor); task counts by the same ratio, floored at min_tasks
// (closed model: and at one task per agent);
// the recovery threshold too, floored at min_duration_s; rates, agents, workers and latency
// thresholds unchanged, so a scaled run is the same load for a shorter time.
// factor in (0, 1]; 1 returns the config.
ScenarioConfig scaled(const ScenarioConfig& config, double factor);
// A failure scenario's last stage lengthened, when needed, so the load outlasts the fault
// schedule (last heal + settle_s). scaled() applies it; so does parse_config at full scale.
void stretch_for_faults(ScenarioConfig& config);

// Total planned duration: the stages' sum for an open model, duration_s otherwise.
double planned_duration_s(const ScenarioConfig& config);

// Files named by PATHs: a file as is, a directory's *.json in name order. A path that does
// not exist -> ConfigError.
std::vector<std::filesystem::path> scenario_files(const std::vector<std::string>& paths);

}  // namespace stress
