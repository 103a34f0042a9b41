#pragma once
// The fault schedule of a failure scenario (the config's `faults` object, read with the rest
// of the config in config.cpp; format in docs/stress.md): which faults, for how long, and the rules
// recovery is judged by. The moments and targets are drawn from the run's seed before the run
// starts, so a run can be replayed: the same config, time scale and seed give the same schedule.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace stress {

// One configured fault. Which parameters a type takes is checked when the config is read.
struct FaultSpec {
  std::string type;       // sigkill, sigstop, throw, hang, reset_peer, blackhole, down, ...
  double duration_s = 0;  // from inject to heal (scaled, floored at min_duration_s)
  double min_duration_s = 1;
  int count = 1;          // targets: worker processes (or threads) hit at once
  double fraction = 0.1;  // throw / hang / memory_leak: share of the tasks submitted meanwhile
  int hang_ms = 0;        // hang: how long the handler blocks
  long long bytes = 0;    // limit_data: bytes a connection passes before it is cut
  int limit_mb = 0;       // memory_leak: the workers' memory budget above their baseline
  int leak_kb = 0;        // memory_leak: memory a task keeps for good
  int size_mb = 0;        // disk_full: size of the file system the store lives on
  double factor = 10;     // overload: arrival rate multiplier
  std::string error = "ioerr";  // sqlite_io_error: "ioerr" or "full"
};

struct FaultsConfig {
  std::vector<FaultSpec> events;  // in order
  double baseline_s = 30;         // first inject no earlier (scaled; floored at min_baseline_s)
  double min_baseline_s = 5;
  double spacing_s = 30;  // from one heal to the next inject (scaled; floored at settle_s)
  double jitter_s = 0;    // a seeded extra delay, uniform in [0, jitter_s], before each inject
  double settle_s = 8;    // real seconds after the last heal (not scaled): recovery is seen in it
  // Recovered: the first second from which `hold_s` consecutive seconds each complete at least
  // `recovery_fraction` of the pre-fault baseline with an error share under `error_threshold`.
  double recovery_fraction = 0.9;
  double hold_s = 3;
  double error_threshold = 0.01;
  double recovery_limit_s = 5;  // the recovery_s threshold (real seconds, not scaled)
  // Bounded memory under the fault (0: not judged): the peak RSS from the first inject to the
  // last heal over the baseline's median, and the upper 95% bound of the RSS slope over that
  // window (judged when the window spans at least min_trend_window_s).
  double rss_growth_kb = 0;
  double rss_slope_kb_per_min = 0;
  bool empty() const { return events.empty(); }
};

// Durations, baseline, spacing and jitter times `factor`, floored as above.
FaultsConfig scale_faults(const FaultsConfig& faults, double factor);
// Seconds from the start to the last heal plus settle_s, with the largest jitter: the load must
// last at least this long.
double faults_span_s(const FaultsConfig& faults);

struct ScheduledFault {
  std::size_t index = 0;  // in FaultsConfig::events
  FaultSpec spec;
  double inject_s = 0;       // planned, since the run's start
  double heal_s = 0;         // planned
  std::vector<int> targets;  // worker indices, distinct, drawn from the seed
  std::uint64_t seed = 0;    // for the injector's own choices (which tasks to poison)
};

std::vector<ScheduledFault> draw_schedule(const FaultsConfig& faults, int workers,
                                          std::uint64_t seed);
nlohmann::json to_json(const ScheduledFault& fault);

}  // namespace stress
