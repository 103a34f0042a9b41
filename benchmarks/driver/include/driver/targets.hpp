#pragma once
// What the next round must narrow, read off a look (docs/harness.md, "scripts/bench and the run
// driver"): every compared row whose relative half-width is above the precision target,
// inconclusive ones weighing 4x; every A/A row whose interval straddles the gate's bounds
// ([1/1.05, 1.05] around 1), 4x; every regime's geometric mean above the target, 2x, as the
// bundle "@<regime>" (cost_model.hpp). Rows and means are aimed at 0.9 x the target: a
// half-width moves from look to look, and one planned to land on the target would often stay
// just above it.
#include <string>
#include <vector>

#include "driver/comparison_view.hpp"
#include "driver/planner.hpp"

namespace legion::driver {

std::vector<RowTarget> replication_targets(const ComparisonView& view, const std::string& baseline,
                                           double precision);

// Nothing left to narrow: every row precise, no A/A row straddling, every mean precise.
bool targets_met(const ComparisonView& view, const std::string& baseline, double precision);

}  // namespace legion::driver
