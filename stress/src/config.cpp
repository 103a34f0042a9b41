#include "stress/config.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>

#include "legion/error.hpp"
#include "legion/json_input.hpp"
#include "legion/latency.hpp"

namespace stress {
namespace {

using nlohmann::json;

// Reads fields of one JSON object, naming file and field in every error, and remembers what
// it read so that unknown fields are rejected afterwards.
class FieldReader {
 public:
  FieldReader(const json& object, std::string where, std::string prefix = "")
      : object_(object), where_(std::move(where)), prefix_(std::move(prefix)) {
    if (!object_.is_object()) fail(prefix_.empty() ? "(document)" : prefix_, "must be an object");
  }

  [[noreturn]] void fail(const std::string& field, const std::string& reason) const {
    throw legion::ConfigError(where_ + ": field '" + field + "': " + reason);
  }
  std::string name(const std::string& field) const { return prefix_ + field; }

  const json* find(const std::string& field) {
    seen_.insert(field);
    auto it = object_.find(field);
    return it == object_.end() ? nullptr : &*it;
  }

  void string(const std::string& field, std::string& out, bool required = false) {
    const json* value = find(field);
    if (!value) {
      if (required) fail(name(field), "missing");
      return;
    }
    if (!value->is_string()) fail(name(field), "must be a string");
    out = value->get<std::string>();
  }

  template <typename Number>
  void number(const std::string& field, Number& out, double low, double high) {
    const json* value = find(field);
    if (!value) return;
    if (!value->is_number()) fail(name(field), "must be a number");
    const double v = value->get<double>();
    if (std::is_integral_v<Number> && std::floor(v) != v) fail(name(field), "must be an integer");
    if (!(v >= low && v <= high)) {
      std::ostringstream range;
      range << "must be in [" << low << ", " << high << "]";
      fail(name(field), range.str());
    }
    out = static_cast<Number>(v);
  }

  template <typename Number>
  void optional_number(const std::string& field, std::optional<Number>& out, double low,
                       double high) {
    if (!object_.contains(field)) {
      seen_.insert(field);
      return;
    }
    Number value{};
    number(field, value, low, high);
    out = value;
  }

  void boolean(const std::string& field, bool& out) {
    const json* value = find(field);
    if (!value) return;
    if (!value->is_boolean()) fail(name(field), "must be true or false");
    out = value->get<bool>();
  }

  void reject_unknown() const {
    for (const auto& [key, value] : object_.items()) {
      if (!seen_.count(key)) fail(name(key), "unknown field");
    }
  }

  const std::string& where() const { return where_; }

 private:
  const json& object_;
  std::string where_;
  std::string prefix_;
  std::set<std::string> seen_;
};

constexpr double kHuge = 1e12;

template <typename Enum>
Enum choose(FieldReader& reader, const std::string& field, Enum fallback,
            const std::vector<std::pair<std::string, Enum>>& choices) {
  std::string text;
  reader.string(field, text);
  if (text.empty()) return fallback;
  std::string known;
  for (const auto& [name, value] : choices) {
    if (name == text) return value;
    known += (known.empty() ? "" : ", ") + name;
  }
  reader.fail(reader.name(field), "unknown value '" + text + "' (known: " + known + ")");
}

void read_load(FieldReader& top, const json& load, ScenarioConfig& c) {
  FieldReader r(load, top.where(), "load.");
  c.model = choose(r, "model", LoadModel::kClosed,
                   {{"closed", LoadModel::kClosed},
                    {"open", LoadModel::kOpen},
                    {"backlog", LoadModel::kBacklog}});
  r.number("agents", c.agents, 1, 100000);
  r.number("ramp_s", c.ramp_s, 0, kHuge);
  r.number("tasks", c.tasks, 1, 1e10);
  r.number("duration_s", c.duration_s, 0.001, kHuge);
  r.number("late_tolerance_ms", c.late_tolerance_ms, 0, kHuge);
  r.number("max_backlog", c.max_backlog, 1, 1e10);
  r.number("drain_timeout_s", c.drain_timeout_s, 0.1, kHuge);
  if (const json* stages = r.find("stages")) {
    if (!stages->is_array() || stages->empty()) r.fail("load.stages", "must be a non-empty array");
    for (std::size_t i = 0; i < stages->size(); ++i) {
      FieldReader s((*stages)[i], top.where(), "load.stages[" + std::to_string(i) + "].");
      Stage stage;
      if (!(*stages)[i].contains("rate")) s.fail(s.name("rate"), "missing");
      if (!(*stages)[i].contains("duration_s")) s.fail(s.name("duration_s"), "missing");
      s.number("rate", stage.rate, 0, 1e9);
      s.number("duration_s", stage.duration_s, 0.001, kHuge);
      s.number("ramp_s", stage.ramp_s, 0, stage.duration_s);
      s.reject_unknown();
      c.stages.push_back(stage);
    }
  }
  if (c.model == LoadModel::kOpen && c.stages.empty())
    r.fail("load.stages", "required for model 'open'");
  if (c.model != LoadModel::kOpen && !c.stages.empty()) {
    r.fail("load.stages", "only for model 'open'");
  }
  r.reject_unknown();
}

void read_store(FieldReader& top, const json& store, ScenarioConfig& c) {
  FieldReader r(store, top.where(), "store.");
  r.string("backend", c.store);
  if (c.store != "sqlite" && c.store != "postgresql") {
    r.fail("store.backend", "unknown value '" + c.store + "' (known: sqlite, postgresql)");
  }
  c.worker_mode =
      choose(r, "worker_mode", WorkerMode::kThreads,
             {{"threads", WorkerMode::kThreads}, {"processes", WorkerMode::kProcesses}});
  r.number("workers", c.workers, 1, 1024);
  r.number("worker_threads", c.worker_threads, 1, 1024);
  r.number("batch", c.batch, 1, 10000);
  r.optional_number("restart_at_s", c.restart_at_s, 0, kHuge);
  r.number("lease_ms", c.lease_ms, 100, 86'400'000);
  r.number("task_timeout_ms", c.task_timeout_ms, 0, 86'400'000);
  r.number("max_attempts", c.max_attempts, 0, 1000);
  r.boolean("restart_workers", c.restart_workers);
  r.boolean("start_server", c.start_server);
  r.reject_unknown();
}

void read_thresholds(FieldReader& top, const json& thresholds, Thresholds& t) {
  FieldReader r(thresholds, top.where(), "thresholds.");
  long long zero_loss = 0;
  r.optional_number("p99_ms", t.p99_ms, 0, kHuge);
  r.optional_number("error_rate", t.error_rate, 0, 1);
  // Accepted for the configs that state it, but only as 0: lost > 0 always fails.
  r.number("lost", zero_loss, 0, 0);
  r.optional_number("leak_kb_per_min", t.leak_kb_per_min, -kHuge, kHuge);
  r.optional_number("recovery_s", t.recovery_s, 0, kHuge);
  r.optional_number("degradation_ms_per_min", t.degradation_ms_per_min, -kHuge, kHuge);
  r.optional_number("min_throughput", t.min_throughput, 0, kHuge);
  r.reject_unknown();
}

// Which parameters each fault type takes (besides duration_s and min_duration_s).
const std::vector<std::pair<std::string, std::set<std::string>>>& fault_types() {
  static const std::vector<std::pair<std::string, std::set<std::string>>> types = {
      {"sigkill", {"count"}},
      {"sigstop", {"count"}},
      {"throw", {"fraction"}},
      {"hang", {"fraction", "hang_ms"}},
      {"reset_peer", {}},
      {"blackhole", {}},
      {"down", {}},
      {"limit_data", {"bytes"}},
      {"sqlite_io_error", {"error"}},
      {"partition", {"count"}},
      {"overload", {"factor"}},
      {"memory_leak", {"fraction", "limit_mb", "leak_kb"}},
      {"disk_full", {"size_mb"}},
  };
  return types;
}

void read_faults(FieldReader& top, const json& faults, FaultsConfig& f) {
  FieldReader r(faults, top.where(), "faults.");
  r.number("baseline_s", f.baseline_s, 0, kHuge);
  r.number("min_baseline_s", f.min_baseline_s, 2, kHuge);
  r.number("spacing_s", f.spacing_s, 0, kHuge);
  r.number("jitter_s", f.jitter_s, 0, kHuge);
  r.number("settle_s", f.settle_s, 1, kHuge);
  r.number("recovery_fraction", f.recovery_fraction, 0.01, 1);
  r.number("hold_s", f.hold_s, 1, 3600);
  r.number("error_threshold", f.error_threshold, 0, 1);
  r.number("recovery_limit_s", f.recovery_limit_s, 0, kHuge);
  r.number("rss_growth_kb", f.rss_growth_kb, 0, kHuge);
  r.number("rss_slope_kb_per_min", f.rss_slope_kb_per_min, 0, kHuge);
  const json* events = r.find("events");
  if (!events || !events->is_array() || events->empty()) {
    r.fail("faults.events", "must be a non-empty array");
  }
  for (std::size_t i = 0; i < events->size(); ++i) {
    FieldReader e((*events)[i], top.where(), "faults.events[" + std::to_string(i) + "].");
    FaultSpec spec;
    e.string("type", spec.type, true);
    const std::set<std::string>* params = nullptr;
    std::string known;
    for (const auto& [type, accepted] : fault_types()) {
      if (type == spec.type) params = &accepted;
      known += (known.empty() ? "" : ", ") + type;
    }
    if (!params) {
      e.fail(e.name("type"), "unknown fault '" + spec.type + "' (known: " + known + ")");
    }
    for (const auto& [key, value] : (*events)[i].items()) {
      if (key != "type" && key != "duration_s" && key != "min_duration_s" && !params->count(key)) {
        e.fail(e.name(key), "not a parameter of fault '" + spec.type + "'");
      }
    }
    e.number("duration_s", spec.duration_s, 0, kHuge);
    e.number("min_duration_s", spec.min_duration_s, 0, kHuge);
    e.number("count", spec.count, 1, 1024);
    e.number("fraction", spec.fraction, 0.0001, 1);
    e.number("hang_ms", spec.hang_ms, 1, 3'600'000);
    e.number("bytes", spec.bytes, 1, 1e12);
    e.number("limit_mb", spec.limit_mb, 1, 1'000'000);
    e.number("leak_kb", spec.leak_kb, 1, 1'000'000);
    e.number("size_mb", spec.size_mb, 1, 1'000'000);
    e.number("factor", spec.factor, 1, 1e6);
    e.string("error", spec.error);
    if (spec.error != "ioerr" && spec.error != "full") {
      e.fail(e.name("error"), "unknown value '" + spec.error + "' (known: ioerr, full)");
    }
    if (spec.type == "hang" && spec.hang_ms == 0) e.fail(e.name("hang_ms"), "missing");
    if (spec.type == "limit_data" && spec.bytes == 0) e.fail(e.name("bytes"), "missing");
    if (spec.type == "memory_leak" && (spec.limit_mb == 0 || spec.leak_kb == 0)) {
      e.fail(e.name(spec.limit_mb == 0 ? "limit_mb" : "leak_kb"), "missing");
    }
    if (spec.type == "disk_full" && spec.size_mb == 0) e.fail(e.name("size_mb"), "missing");
    e.reject_unknown();
    f.events.push_back(spec);
  }
  r.reject_unknown();
}

// What the faults need of the rest of the config, checked once the whole file is read.
void check_faults(FieldReader& r, const ScenarioConfig& c) {
  if (c.faults.empty()) return;
  if (c.model != LoadModel::kOpen) {
    r.fail("load.model",
           "a failure scenario needs model 'open' (its baseline is the arrival rate)");
  }
  const bool processes = c.worker_mode == WorkerMode::kProcesses;
  for (std::size_t i = 0; i < c.faults.events.size(); ++i) {
    const auto& f = c.faults.events[i];
    const std::string field = "faults.events[" + std::to_string(i) + "].type";
    auto need = [&](bool ok, const std::string& what) {
      if (!ok) r.fail(field, "fault '" + f.type + "' needs " + what);
    };
    const bool bus = c.workload == Workload::kBusFlood;
    if (f.type == "overload") {
      need(bus, "the bus_flood workload");
    } else {
      need(!bus, "the agent_tasks workload");
    }
    if (f.type == "sigstop" || f.type == "partition" || f.type == "memory_leak") {
      need(processes, "worker_mode 'processes'");
    }
    if (f.type == "sqlite_io_error" || f.type == "disk_full") {
      need(c.store == "sqlite" && !processes, "backend 'sqlite' with worker_mode 'threads'");
    }
    if (f.type == "reset_peer" || f.type == "blackhole" || f.type == "down" ||
        f.type == "limit_data" || f.type == "partition") {
      need(c.store == "postgresql", "backend 'postgresql'");
    }
    if (f.type == "sigkill" || f.type == "sigstop" || f.type == "partition") {
      need(f.count <= c.workers, "count <= store.workers");
    }
    if (f.type == "hang") need(c.task_timeout_ms > 0, "store.task_timeout_ms");
  }
}

}  // namespace

ScenarioConfig parse_config(const json& document, const std::filesystem::path& source) {
  ScenarioConfig c;
  c.source = source;
  c.raw = document;
  FieldReader r(document, source.string());
  r.string("name", c.name, true);
  if (c.name.empty()) r.fail("name", "must not be empty");
  // It names the result file under --out: no directory parts, no way out of it.
  if (c.name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
          std::string::npos ||
      c.name.front() == '.') {
    r.fail("name",
           "must be letters, digits, '_', '-' and '.', not starting with '.' (it names "
           "the result file)");
  }
  r.string("description", c.description);
  std::string kind;
  r.string("kind", kind);  // load, spike, endurance, scalability: documentation only
  c.workload = choose(r, "workload", Workload::kAgentTasks,
                      {{"agent_tasks", Workload::kAgentTasks}, {"bus_flood", Workload::kBusFlood}});
  r.string("model_latency", c.model_latency);
  try {
    legion::LatencyModel::parse(c.model_latency);
  } catch (const legion::ConfigError& error) {
    r.fail("model_latency", error.what());
  }
  if (const json* load = r.find("load")) read_load(r, *load, c);
  if (const json* store = r.find("store")) read_store(r, *store, c);
  if (const json* thresholds = r.find("thresholds")) read_thresholds(r, *thresholds, c.thresholds);
  if (const json* faults = r.find("faults")) read_faults(r, *faults, c.faults);
  if (const json* bus = r.find("bus")) {
    FieldReader b(*bus, source.string(), "bus.");
    b.number("subscribers", c.subscribers, 1, 1024);
    b.boolean("limit_search", c.limit_search);
    b.number("limit_p99_ms", c.limit_p99_ms, 0.001, kHuge);
    b.number("consume_us", c.consume_us, 0, 1e7);
    b.reject_unknown();
  }
  r.number("warmup_fraction", c.warmup_fraction, 0, 0.9);
  r.number("sample_hz", c.sample_hz, 0.1, 1000);
  r.number("min_trend_window_s", c.min_trend_window_s, 0, kHuge);
  r.number("min_tasks", c.min_tasks, 1, 1e9);
  r.number("min_duration_s", c.min_duration_s, 0.01, kHuge);
  r.reject_unknown();
  if (c.workload == Workload::kBusFlood && c.model == LoadModel::kClosed) {
    r.fail("load.model", "the bus_flood workload needs model 'open' or 'backlog'");
  }
  if (c.limit_search && c.model != LoadModel::kOpen) {
    r.fail("bus.limit_search", "needs model 'open' (one stage per rate step)");
  }
  check_faults(r, c);
  c.faults = scale_faults(c.faults, 1.0);  // the floors apply at full scale too
  stretch_for_faults(c);
  return c;
}

ScenarioConfig load_config(const std::filesystem::path& file) {
  return parse_config_text(legion::read_text_file(file.string()), file);
}

ScenarioConfig parse_config_text(std::string_view text, const std::filesystem::path& file) {
  legion::ParsedJson document = legion::parse_json(text);
  if (!document.ok()) throw legion::ConfigError(file.string() + ": " + document.error);
  return parse_config(document.value, file);
}

ScenarioConfig scaled(const ScenarioConfig& config, double factor) {
  if (!(factor > 0.0 && factor <= 1.0)) {
    throw legion::ConfigError("--time-scale: must be in (0, 1], got " + std::to_string(factor));
  }
  ScenarioConfig c = config;
  if (factor == 1.0) return c;
  // The floor on the whole run also stretches the parts (stages, ramp, restart) by the same
  // ratio, so a floored run keeps its shape.
  const double full = planned_duration_s(config);
  const double effective = std::max(factor, std::min(1.0, c.min_duration_s / full));
  c.duration_s = full * effective;
  c.time_factor = effective;
  c.ramp_s *= effective;
  for (auto& stage : c.stages) {
    stage.duration_s *= effective;
    stage.ramp_s *= effective;
  }
  if (c.restart_at_s) *c.restart_at_s *= effective;
  // Recovery is scenario time: it shrinks with the run, but not below the floor, because
  // stopping and starting the workers takes real time whatever the scale.
  if (auto& r = c.thresholds.recovery_s) *r = std::max(c.min_duration_s, *r * effective);
  // A closed run keeps at least one task per agent, so a scaled run still has every agent
  // running concurrently.
  const long long floor =
      c.model == LoadModel::kClosed ? std::max<long long>(c.min_tasks, c.agents) : c.min_tasks;
  c.tasks = std::max(floor, static_cast<long long>(std::llround(config.tasks * effective)));
  c.tasks = std::min(c.tasks, config.tasks);
  if (!c.faults.empty()) {
    c.faults = scale_faults(config.faults, effective);
    stretch_for_faults(c);
  }
  return c;
}

void stretch_for_faults(ScenarioConfig& c) {
  if (c.faults.empty() || c.stages.empty()) return;
  // The floors (a fault lasts at least min_duration_s, recovery needs settle_s after the last
  // heal) can make the schedule outlast the scaled load: the last stage then runs longer, at
  // its rate.
  const double missing = faults_span_s(c.faults) - planned_duration_s(c);
  if (missing > 0) c.stages.back().duration_s += missing;
}

double planned_duration_s(const ScenarioConfig& config) {
  if (config.model != LoadModel::kOpen) return config.duration_s;
  double total = 0.0;
  for (const auto& stage : config.stages) total += stage.duration_s;
  return total;
}

std::vector<std::filesystem::path> scenario_files(const std::vector<std::string>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& text : paths) {
    std::filesystem::path path(text);
    if (std::filesystem::is_directory(path)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
          found.push_back(entry.path());
        }
      }
      if (found.empty()) throw legion::ConfigError(text + ": no *.json scenario in the directory");
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(path)) {
      files.push_back(path);
    } else {
      throw legion::ConfigError(text + ": no such scenario file or directory");
    }
  }
  return files;
}

}  // namespace stress
