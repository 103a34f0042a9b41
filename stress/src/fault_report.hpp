#pragma once
// Detail of the runner: a failure run's result fields (fault, acknowledged, lost, duplicated,
// unexpected, detect_s, recovery_s, stability_after, timeline; docs/stress.md) and their
// verdicts, from the metrics, the monitor and the fault driver's log.
#include <nlohmann/json.hpp>
#include <vector>

#include "stress/fault_driver.hpp"
#include "stress/history.hpp"
#include "stress/metrics.hpp"
#include "stress/monitor.hpp"
#include "stress/thresholds.hpp"

namespace stress::detail {

struct FaultOutcome {
  nlohmann::json json;  // merged into the result
  std::vector<Verdict> verdicts;
};

FaultOutcome fault_outcome(const ScenarioConfig& config, const FaultDriver& driver,
                           const Metrics& metrics, const ResourceMonitor& monitor,
                           const Audit& audit, const Drained& drained, double load_end_s);

}  // namespace stress::detail
