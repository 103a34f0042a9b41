#pragma once
// The load models, independent of what a task is: they decide *when* task `id` starts and hand
// it to `submit`; the Tracker hears of each start. Closed: `agents` threads, each starting a
// task on a fixed pace (duration x agents / tasks) and waiting for it before the next, staggered
// over the ramp. Open: the arrival generator on the stages. Backlog: every task at once.
#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>

#include "stress/config.hpp"
#include "stress/tracker.hpp"

namespace stress {

// How many ids the model may start: the tracker's capacity.
std::uint64_t planned_tasks(const ScenarioConfig& config);
// The closed model's pace per agent (the coordinated-omission interval); 0 for the others.
std::chrono::nanoseconds closed_pace(const ScenarioConfig& config);

// `agent`: which of the scenario's agents runs the task (closed model: the agent thread that
// started it; open and backlog: id modulo the agents).
using Submit = std::function<void(std::uint64_t id, int agent)>;

// Blocks until every task was started (closed model: and waited for) or `stop` is set.
// Returns the model's report: started, late, dropped and, for the open model, the
// generator's own scheduling delay.
nlohmann::json drive_load(const ScenarioConfig& config, SteadyClock::time_point start,
                          Tracker& tracker, const Submit& submit, const std::atomic<bool>& stop);

}  // namespace stress
