#pragma once
// The pieces every legion-industry result shares: latency percentiles, the store's ledger,
// CPU time from the resource monitor, the "unsupported" result, and writing the file.
#include <filesystem>
#include <vector>

#include "industry/workload.hpp"
#include "legion/store/task_store.hpp"
#include "stats/histogram.hpp"
#include "stress/monitor.hpp"

namespace industry {

struct BenchmarkResult {
  Json json;
  int exit_code = 0;  // 0 ok or unsupported, 1 no sustainable rate or a failed check
};

// count, p50/p90/p95/p99/p999/max/mean in ms; {"count": 0} when empty.
Json percentiles_ms(const stats::LatencyHistogram& histogram);

Json ledger_json(const legion::store::Ledger& ledger);

// CPU seconds the monitored processes used between from_s and to_s (monitor time).
double cpu_seconds(const std::vector<stress::ResourceSample>& samples, double from_s, double to_s);

// `result` marked unsupported with `reason` and the disclosure, written to `file`.
BenchmarkResult unsupported_result(Json result, const std::string& reason, const Json& disclosure,
                                   const std::filesystem::path& file);

// Writes JSON (NaN and infinity as null); throws legion::Error naming the file when it cannot.
void write_json(const std::filesystem::path& file, const Json& value);

}  // namespace industry
