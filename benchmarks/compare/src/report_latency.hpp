#pragma once

// The latency table and the criteria in the summary, the full table and Markdown (private).

#include <ostream>

#include "compare/comparison.hpp"

namespace legion::compare::report {

// Under a latency model: per benchmark its critical path, per framework the wall time, the
// ratio against direct and the coordination overhead with their CIs (<= 100 columns).
void print_latency_summary(std::ostream& out, const Comparison& c);

// Every figure of the latency table, one wide row per benchmark and framework.
void print_latency_full(std::ostream& out, const Comparison& c);

// The latency table and the criteria as Markdown tables.
void print_criteria_markdown(std::ostream& out, const Comparison& c);

// "coordination overhead < 15%", "LEGION within 20% of LangChain".
const char* criterion_text(const std::string& criterion);

// "the latency regime (model latency lognormal:20ms,0.5)", "the zero-latency regime", ...
std::string latency_regime_text(const std::string& regime, const std::string& model_latency);

}  // namespace legion::compare::report
