#include "driver/process_data.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "bench_names.hpp"
#include "driver/driver_error.hpp"
#include "text_file.hpp"

namespace legion::driver {
namespace {

double seconds_per_unit(const std::string& unit) {
  if (unit == "ns") return 1e-9;
  if (unit == "us") return 1e-6;
  if (unit == "ms") return 1e-3;
  if (unit == "s") return 1.0;
  return 0.0;
}

}  // namespace

std::string row_name(std::string_view name) {
  std::vector<std::string_view> parts;
  while (!name.empty()) {
    const std::size_t slash = name.find('/');
    parts.push_back(name.substr(0, slash));
    if (slash == std::string_view::npos) break;
    name.remove_prefix(slash + 1);
  }
  while (!parts.empty()) {
    const std::string_view last = parts.back();
    const bool suffix = last.find(':') != std::string_view::npos || last == "real_time" ||
                        last == "manual_time" || last == "process_time";
    if (!suffix) break;
    parts.pop_back();
  }
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out;
}

ProcessData parse_process_data(std::string_view text, std::string_view source) {
  const std::string where(source);
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) throw DriverError(where + ": not a JSON object");
  const auto& context = doc.value("context", nlohmann::json::object());
  ProcessData out;
  if (!context.contains("framework") || !context["framework"].is_string()) {
    throw DriverError(where + ": no context.framework (not a legion-bench file)");
  }
  out.framework = context["framework"].get<std::string>();
  out.git_commit = context.value("git_commit", "");
  if (context.contains("machine") && context["machine"].is_object()) {
    out.machine_id = context["machine"].value("id", "");
  }
  if (context.contains("calibration_cpp_ns") && context["calibration_cpp_ns"].is_number()) {
    out.calibration_cpp_ns = context["calibration_cpp_ns"].get<double>();
  }
  const auto& benchmarks = doc.value("benchmarks", nlohmann::json::array());
  for (const auto& b : benchmarks) {
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string()) continue;
    if (b.value("run_type", "iteration") != "iteration") continue;
    RowSample& row = out.rows[row_name(b["name"].get<std::string>())];
    if (b.value("error_occurred", false)) {
      row.failed = true;
      row.error = b.value("error_message", "");
      row.unsupported = legion::bench::is_unsupported(row.error);
      continue;
    }
    const double unit = seconds_per_unit(b.value("time_unit", "ns"));
    const double per_iteration_s = b.value("real_time", 0.0) * unit;
    const double iterations = b.value("iterations", 1.0);
    // Running mean over the repetitions; `seconds` adds one iteration once for the untimed
    // validation or warm-up run and the iteration-count sizing Google Benchmark does first.
    row.mean_ns = (row.mean_ns * static_cast<double>(row.repetitions) + per_iteration_s * 1e9) /
                  static_cast<double>(row.repetitions + 1);
    if (row.repetitions == 0) row.seconds += per_iteration_s;
    row.per_iteration_s = per_iteration_s;
    row.seconds += per_iteration_s * iterations;
    ++row.repetitions;
    // The cold start's time is mostly the framework's start, which every process pays: the
    // row itself adds only the first prepare and run.
    if (b.contains("first_prepare_ns") && b.contains("first_run_ns")) {
      row.seconds = (b.value("first_prepare_ns", 0.0) + b.value("first_run_ns", 0.0)) / 1e9;
      row.per_iteration_s = row.seconds;
    }
  }
  return out;
}

ProcessData read_process_data(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw DriverError(path.string() + ": cannot read");
  return parse_process_data(read_text(path), path.string());
}

}  // namespace legion::driver
