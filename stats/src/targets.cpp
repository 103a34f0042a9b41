#include "stats/targets.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stats/confidence.hpp"
#include "stats/descriptive.hpp"
#include "stats/error.hpp"
#include "stats/gbench_json.hpp"
#include "stats/json_input.hpp"

namespace stats {

namespace {

bool is_time_metric_name(const std::string& metric) {
  return metric == "real_time" || metric == "cpu_time";
}

const Series* find_series(const std::vector<Series>& all, const std::string& name) {
  for (const auto& s : all) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

double number_field(const nlohmann::json& entry, const char* key, std::string_view source,
                    std::size_t index) {
  if (!entry[key].is_number()) {
    throw StatsError(std::string(source) + ": target " + std::to_string(index) + ": \"" + key +
                     "\" must be a number");
  }
  const double v = entry[key].get<double>();
  if (!std::isfinite(v) || v <= 0.0) {
    throw StatsError(std::string(source) + ": target " + std::to_string(index) + ": \"" + key +
                     "\" must be a positive number");
  }
  return v;
}

TargetOutcome judge(const TargetResult& r, double limit) {
  if (!r.interval) return r.measured <= limit ? TargetOutcome::kMet : TargetOutcome::kMissed;
  if (r.interval->upper <= limit) return TargetOutcome::kMet;
  if (r.interval->lower > limit) return TargetOutcome::kMissed;
  return TargetOutcome::kInconclusive;
}

}  // namespace

const char* target_outcome_name(TargetOutcome o) {
  switch (o) {
    case TargetOutcome::kMet:
      return "met";
    case TargetOutcome::kMissed:
      return "missed";
    case TargetOutcome::kInconclusive:
      return "inconclusive";
  }
  return "inconclusive";
}

std::vector<Target> parse_targets(std::string_view text, std::string_view source) {
  nlohmann::json doc = parse_json_input(text, source);
  if (doc.is_object() && doc.contains("targets")) doc = doc["targets"];
  if (!doc.is_array()) throw StatsError(std::string(source) + ": expected a list of targets");
  std::vector<Target> out;
  std::size_t index = 0;
  for (const auto& e : doc) {
    ++index;
    const std::string where = std::string(source) + ": target " + std::to_string(index);
    if (!e.is_object() || !e.contains("benchmark") || !e["benchmark"].is_string()) {
      throw StatsError(where + ": needs a \"benchmark\" name");
    }
    Target t;
    t.benchmark = e["benchmark"].get<std::string>();
    if (e.contains("metric")) {
      if (!e["metric"].is_string()) throw StatsError(where + ": \"metric\" must be a string");
      t.metric = e["metric"].get<std::string>();
    }
    const bool has_max = e.contains("max");
    const bool has_ratio = e.contains("max_ratio");
    if (has_max == has_ratio)
      throw StatsError(where + ": needs exactly one of \"max\" or \"max_ratio\"");
    if (has_max) {
      t.max = number_field(e, "max", source, index);
    } else {
      t.max_ratio = number_field(e, "max_ratio", source, index);
      if (!e.contains("to") || !e["to"].is_string()) {
        throw StatsError(where + ": \"max_ratio\" needs \"to\": the reference benchmark");
      }
      t.to = e["to"].get<std::string>();
      if (e.contains("to_metric")) {
        if (!e["to_metric"].is_string())
          throw StatsError(where + ": \"to_metric\" must be a string");
        t.to_metric = e["to_metric"].get<std::string>();
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<Target> read_targets_file(const std::filesystem::path& path) {
  return parse_targets(read_input_file(path), path.string());
}

std::vector<TargetResult> check_targets(const std::vector<Target>& targets,
                                        const std::vector<std::filesystem::path>& results,
                                        double level) {
  if (results.empty()) throw StatsError("check_targets: no results file");
  for (const auto& file : results) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) read_input_file(file);  // throws: why not
  }
  std::map<std::string, std::vector<Series>> by_metric;
  auto lookup = [&](const std::string& metric, const std::string& name) -> const Series& {
    auto it = by_metric.find(metric);
    if (it == by_metric.end()) {
      std::vector<Series> all;
      for (const auto& file : results) {
        try {
          auto series = read_benchmark_file(file, metric);
          all.insert(all.end(), series.begin(), series.end());
        } catch (const StatsError&) {
          // A counter only some of the files have.
          if (is_time_metric_name(metric)) throw;
        }
      }
      it = by_metric.emplace(metric, std::move(all)).first;
    }
    const Series* s = find_series(it->second, name);
    if (!s) {
      std::string where = results.front().string();
      for (std::size_t i = 1; i < results.size(); ++i) where += ", " + results[i].string();
      throw StatsError(where + ": no benchmark '" + name + "'");
    }
    return *s;
  };
  std::vector<TargetResult> out;
  for (const auto& t : targets) {
    TargetResult r;
    r.target = t;
    const Series& s = lookup(t.metric, t.benchmark);
    r.n = s.values.size();
    double limit = 0.0;
    if (t.max) {
      limit = *t.max;
      r.measured = mean(s.values);
      if (r.n >= 2) r.interval = t_interval_mean(s.values, level);
    } else {
      limit = *t.max_ratio;
      const Series& ref = lookup(t.to_metric.empty() ? t.metric : t.to_metric, t.to);
      r.n = std::min(r.n, ref.values.size());
      r.measured = mean(s.values) / mean(ref.values);
      // Fieller's interval is for exactly this statistic, the ratio of two means (a
      // percentile bootstrap over 5 repetitions under-covers).
      if (s.values.size() >= 2 && ref.values.size() >= 2) {
        r.interval = fieller_ratio_interval(ref.values, s.values, level);
      }
    }
    r.judged_on_value = !r.interval.has_value();
    r.outcome = judge(r, limit);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace stats
