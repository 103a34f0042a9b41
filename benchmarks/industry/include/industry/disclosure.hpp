#pragma once
// The full disclosure a TPC result carries (TPC-C clause 8, reduced to what applies here):
// the command and configuration, the versions (LEGION, the framework, the compiler), the
// commit, the machine (CPU, cores, memory, kernel, governor, load), the seed. Every
// legion-industry result embeds it; `tpc` also writes it on its own as disclosure.json.
#include <filesystem>
#include <string>

#include "industry/workload.hpp"
#include "stats/histogram.hpp"

namespace industry {

Json disclosure(const std::string& command_line, const Json& config, const std::string& framework,
                const std::string& framework_version);

// Percentiles of a latency histogram in ms: p50, p90, p95, p99, p999, max, mean, count.
Json percentiles_ms(const stats::LatencyHistogram& histogram);

// Writes JSON (NaN as null); throws legion::Error naming the file when it cannot.
void write_json(const std::filesystem::path& file, const Json& value);

}  // namespace industry
