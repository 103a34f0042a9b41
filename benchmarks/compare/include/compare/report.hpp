#pragma once

// The spellings of a Comparison: a summary a person reads first (<= 100 columns), the wide
// table with every figure, Markdown for reports, and JSON for figures and tools (schema
// legion-compare/2, every field in docs/comparison.md).

#include <nlohmann/json.hpp>
#include <ostream>

#include "compare/comparison.hpp"

namespace legion::compare {

// The A/A gate first, then per regime one line per scenario x framework (ratio [CI] verdict),
// each framework's geometric means with their CIs, under a latency model the wall time against
// the critical path (latency.hpp), the project brief's criteria, the rows inconclusive for lack
// of replication, warnings. No line is wider than 100 columns.
void print_summary(std::ostream& out, const Comparison& c);

// The project brief's criteria alone (the summary's section): a verdict line with its CI per
// scenario, framework and criterion, the counts, and what this comparison does not judge.
void print_criteria(std::ostream& out, const Comparison& c);

// One wide table per regime (times, CPU time, spread, ratio, mde, verdict, supplementary
// p-values, work counters, memory, flags), notes, the adapters' own figures, the geometric
// means, the latency table, warnings.
void print_full(std::ostream& out, const Comparison& c);

// The summary's content as Markdown tables.
void print_markdown(std::ostream& out, const Comparison& c);

nlohmann::json to_json(const Comparison& c);

}  // namespace legion::compare
