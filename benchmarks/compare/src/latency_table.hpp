#pragma once

// Builds Comparison::latency (private to the compare library).

#include <string>
#include <vector>

#include "compare/comparison.hpp"
#include "framework_data.hpp"

namespace legion::compare {

// Fills c.latency when the files ran under a latency model (context.model_latency other than
// "none"), or carry a non-zero critical_path_model_ns: one line per hot or concurrency benchmark
// (A/A rows aside) and framework, the baseline first. c.rows must be decided already. With
// direct's processes among the inputs, the rows against direct are decided as
// `--baseline direct` would decide them (InputError as compare_frameworks).
void build_latency_table(Comparison& c, const std::vector<Framework>& frameworks,
                         const std::vector<std::string>& names);

// Does a latency regime's table apply to this benchmark's regime (the ones that run tasks)?
bool runs_tasks(const std::string& regime);

}  // namespace legion::compare
