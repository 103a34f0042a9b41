#include "stats/gbench_json.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "check.hpp"
#include "stats/json_input.hpp"

namespace stats {

namespace {

[[noreturn]] void bad(std::string_view source, const std::string& problem) {
  throw StatsError(std::string(source) + ": " + problem);
}

bool is_time_metric(std::string_view metric) {
  return metric == "real_time" || metric == "cpu_time";
}

// Groups values by name, keeping the order of first appearance.
class Grouper {
 public:
  void add(const std::string& name, double value, const std::string& unit) {
    auto [it, inserted] = index_.try_emplace(name, series_.size());
    if (inserted) series_.push_back({name, {}, unit});
    series_[it->second].values.push_back(value);
  }
  std::vector<Series> take(std::string_view source, std::string_view metric) {
    if (series_.empty()) {
      bad(source, "no benchmark repetitions with a value for '" + std::string(metric) + "'");
    }
    return std::move(series_);
  }

 private:
  std::map<std::string, std::size_t> index_;
  std::vector<Series> series_;
};

double finite_or_fail(double v, std::string_view source, const std::string& name) {
  if (!std::isfinite(v)) bad(source, "benchmark '" + name + "' has a NaN or infinite value");
  return v;
}

std::vector<std::string> split_csv_line(std::string_view line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.push_back(std::move(field));
      field.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  fields.push_back(std::move(field));
  return fields;
}

double parse_number(const std::string& text, std::string_view source, std::size_t line_no) {
  std::size_t used = 0;
  double v = 0.0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v)) {
    bad(source, "line " + std::to_string(line_no) + ": '" + text + "' is not a finite number");
  }
  return v;
}

bool ends_with_aggregate_suffix(const std::string& name, std::string& base) {
  for (std::string_view suffix : {"_mean", "_median", "_stddev", "_cv"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      base = name.substr(0, name.size() - suffix.size());
      return true;
    }
  }
  return false;
}

}  // namespace

std::string null_non_finite_literals(std::string_view text) {
  // Google Benchmark 1.7.1 prints a NaN or infinite value bare (a "cv" aggregate of a constant
  // counter is 0/0), which is not JSON. Outside strings, such a token becomes null.
  static constexpr std::string_view kTokens[] = {"-Infinity", "Infinity", "-NaN", "NaN",
                                                 "-nan",      "nan",      "-inf", "inf"};
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') in_string = true;
    bool replaced = false;
    // Every token starts with one of these, so most bytes need no comparison (under the
    // fuzzer each one is a traced memcmp, and eight per byte were the target's largest cost).
    const bool may_start = c == '-' || c == 'I' || c == 'N' || c == 'n' || c == 'i';
    for (std::size_t t = 0; may_start && t < std::size(kTokens); ++t) {
      const std::string_view token = kTokens[t];
      if (text.substr(i, token.size()) == token) {
        out += "null";
        i += token.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out += c;
  }
  return out;
}

double ns_per_time_unit(std::string_view unit, std::string_view source) {
  if (unit == "ns") return 1.0;
  if (unit == "us") return 1e3;
  if (unit == "ms") return 1e6;
  if (unit == "s") return 1e9;
  bad(source, "unknown time_unit '" + std::string(unit) + "'");
}

std::vector<Series> parse_gbench_json(std::string_view text, std::string_view metric,
                                      std::string_view source) {
  const nlohmann::json doc = parse_json_input(null_non_finite_literals(text), source);
  if (!doc.is_object() || !doc.contains("benchmarks") || !doc["benchmarks"].is_array()) {
    bad(source, "not Google Benchmark JSON (no \"benchmarks\" array)");
  }
  Grouper groups;
  for (const auto& b : doc["benchmarks"]) {
    if (!b.is_object() || !b.contains("name") || !b["name"].is_string()) {
      bad(source, "a benchmark entry has no \"name\"");
    }
    const std::string name = b.contains("run_name") && b["run_name"].is_string()
                                 ? b["run_name"].get<std::string>()
                                 : b["name"].get<std::string>();
    if (b.contains("run_type") && b["run_type"] != "iteration") continue;
    if (b.contains("error_occurred") && b["error_occurred"] == true) continue;
    const std::string key(metric);
    if (!b.contains(key) || !b[key].is_number()) {
      // Counters belong to some benchmarks only; a missing time is a broken file.
      if (!is_time_metric(metric)) continue;
      bad(source, "benchmark '" + name + "' has no numeric \"" + key + "\"");
    }
    double value = b[key].get<double>();
    std::string unit;
    if (is_time_metric(metric)) {
      const std::string tu = b.contains("time_unit") && b["time_unit"].is_string()
                                 ? b["time_unit"].get<std::string>()
                                 : "ns";
      value *= ns_per_time_unit(tu, source);
      unit = "ns";
    }
    groups.add(name, finite_or_fail(value, source, name), unit);
  }
  return groups.take(source, metric);
}

std::vector<Series> parse_benchmark_csv(std::string_view text, std::string_view metric,
                                        std::string_view source) {
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t line_no = 0;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++line_no;
    auto fields = split_csv_line(line);
    if (!fields.empty() && fields[0] == "name") {
      header = std::move(fields);
      break;
    }
  }
  if (header.empty()) bad(source, "no CSV header line starting with 'name'");
  auto column = [&](std::string_view col) -> std::ptrdiff_t {
    const auto it = std::find(header.begin(), header.end(), col);
    return it == header.end() ? -1 : it - header.begin();
  };
  const bool simple = header.size() == 2 && header[1] == "value";
  const std::ptrdiff_t value_col = simple ? 1 : column(metric);
  if (value_col < 0) bad(source, "CSV has no column '" + std::string(metric) + "'");
  const std::ptrdiff_t unit_col = column("time_unit");
  const std::ptrdiff_t error_col = column("error_occurred");
  const bool time = !simple && is_time_metric(metric);

  struct Row {
    std::string name;
    double value;
  };
  std::vector<Row> rows;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line == "\r") continue;
    const auto fields = split_csv_line(line);
    if (static_cast<std::ptrdiff_t>(fields.size()) <= value_col) {
      bad(source, "line " + std::to_string(line_no) + " has too few columns");
    }
    if (error_col >= 0 && static_cast<std::ptrdiff_t>(fields.size()) > error_col &&
        fields[error_col] == "true") {
      continue;
    }
    if (fields[value_col].empty() && !simple) {
      bad(source, "line " + std::to_string(line_no) + ": benchmark '" + fields[0] + "' has no " +
                      std::string(metric));
    }
    double value = parse_number(fields[value_col], source, line_no);
    if (time) {
      const std::string unit =
          unit_col >= 0 && static_cast<std::ptrdiff_t>(fields.size()) > unit_col ? fields[unit_col]
                                                                                 : "ns";
      value *= ns_per_time_unit(unit, source);
    }
    rows.push_back({fields[0], value});
  }
  std::map<std::string, bool> names;
  for (const auto& r : rows) names[r.name] = true;
  Grouper groups;
  for (const auto& r : rows) {
    std::string base;
    if (!simple && ends_with_aggregate_suffix(r.name, base) && names.contains(base)) continue;
    groups.add(r.name, r.value, time ? "ns" : "");
  }
  return groups.take(source, metric);
}

std::vector<Series> read_benchmark_file(const std::filesystem::path& path,
                                        std::string_view metric) {
  const std::string source = path.string();
  const std::string text = read_input_file(path);
  if (path.extension() == ".csv") return parse_benchmark_csv(text, metric, source);
  return parse_gbench_json(text, metric, source);
}

}  // namespace stats
