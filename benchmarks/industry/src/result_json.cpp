#include "industry/result_json.hpp"

#include <fstream>

#include "legion/error.hpp"

namespace industry {

Json percentiles_ms(const stats::LatencyHistogram& h) {
  if (h.count() == 0) return {{"count", 0}};
  const auto s = h.summary();
  auto ms = [](std::uint64_t ns) { return static_cast<double>(ns) / 1e6; };
  return {{"count", s.count},    {"p50_ms", ms(s.p50)},    {"p90_ms", ms(s.p90)},
          {"p95_ms", ms(s.p95)}, {"p99_ms", ms(s.p99)},    {"p999_ms", ms(s.p999)},
          {"max_ms", ms(s.max)}, {"mean_ms", s.mean / 1e6}};
}

void write_json(const std::filesystem::path& file, const Json& value) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file);
  if (!(out << value.dump(2, ' ', false, Json::error_handler_t::replace) << "\n")) {
    throw legion::Error("cannot write " + file.string());
  }
}

Json ledger_json(const legion::store::Ledger& l) {
  return {{"accepted", l.accepted},
          {"done", l.done},
          {"dead", l.dead},
          {"pending", l.pending},
          {"effects", l.effects},
          {"lost", l.lost},
          {"duplicated", l.duplicated},
          {"unexpected", l.unexpected},
          {"ok", l.ok()}};
}

double cpu_seconds(const std::vector<stress::ResourceSample>& samples, double from_s, double to_s) {
  double cpu = 0, previous_t = 0;
  for (const auto& s : samples) {
    if (s.t_s > from_s && s.t_s <= to_s) cpu += s.cpu_percent / 100.0 * (s.t_s - previous_t);
    previous_t = s.t_s;
  }
  return cpu;
}

BenchmarkResult unsupported_result(Json result, const std::string& reason, const Json& disclosure,
                                   const std::filesystem::path& file) {
  result["status"] = "unsupported";
  result["unsupported"] = reason;
  result["disclosure"] = disclosure;
  write_json(file, result);
  return {std::move(result), 0};
}

}  // namespace industry
