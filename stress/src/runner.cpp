#include "stress/runner.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <ostream>
#include <string>

#include "fault_report.hpp"
#include "legion/store/sqlite_db.hpp"
#include "stats/quantile.hpp"
#include "stress/fault_driver.hpp"
#include "stress/load_driver.hpp"
#include "stress/thresholds.hpp"
#include "workload.hpp"

namespace stress {
namespace {

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

nlohmann::json effective_json(const ScenarioConfig& c) {
  nlohmann::json stages = nlohmann::json::array();
  for (const auto& s : c.stages) {
    stages.push_back({{"rate", s.rate}, {"duration_s", s.duration_s}, {"ramp_s", s.ramp_s}});
  }
  nlohmann::json out = {{"agents", c.agents},   {"ramp_s", c.ramp_s},
                        {"tasks", c.tasks},     {"duration_s", planned_duration_s(c)},
                        {"stages", stages},     {"model_latency", c.model_latency},
                        {"workers", c.workers}, {"drain_timeout_s", c.drain_timeout_s}};
  if (c.restart_at_s) out["restart_at_s"] = *c.restart_at_s;
  return out;
}

// Recovered: the first moment after the restart from which the backlog (queue depth) stays
// within twice its median before the restart plus one task per worker (the in-flight noise of
// a healthy system) to the end of the run, drain included — the system has caught up with what
// arrived while it was down and keeps up since.
std::optional<double> recovery_time(const Metrics::Series& depth, double restart_s, int workers) {
  std::vector<double> before;
  for (std::size_t i = 0; i < depth.t.size(); ++i) {
    if (depth.t[i] < restart_s) before.push_back(depth.value[i]);
  }
  const double limit = (before.empty() ? 0.0 : 2.0 * stats::median(before)) + workers;
  // Index of the first sample of the current run of samples within the limit.
  std::size_t from = depth.t.size();
  for (std::size_t i = 0; i < depth.t.size(); ++i) {
    if (depth.t[i] < restart_s) continue;
    if (depth.value[i] > limit) {
      from = depth.t.size();
    } else if (from == depth.t.size()) {
      from = i;
    }
  }
  if (from == depth.t.size()) return std::nullopt;
  return std::max(0.0, depth.t[from] - restart_s);
}

std::string id_list(const std::vector<std::uint64_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

}  // namespace

namespace detail {

void progress_line(const WorkloadRun& run, std::uint64_t in_flight, std::int64_t depth) {
  if (!run.options.progress) return;
  const auto t = run.metrics.totals();
  const double now = run.metrics.duration_s(SteadyClock::now());
  auto& out = *run.options.progress;
  if (run.options.progress_bar) {
    // A terminal: one bar redrawn in place (planned time; the drain may run past it).
    constexpr int kWidth = 24;
    const double planned = std::max(1e-9, planned_duration_s(run.config));
    const int filled = static_cast<int>(kWidth * std::min(1.0, now / planned));
    out << "\r\033[K[" << run.config.name << "] [" << std::string(filled, '#')
        << std::string(kWidth - filled, '.') << "] " << static_cast<int>(now) << "/"
        << static_cast<int>(planned) << " s ok=" << t.ok << " errors=" << t.errors
        << " queue=" << depth << std::flush;
    return;
  }
  out << "[" << run.config.name << "] t=" << static_cast<int>(now) << "s ok=" << t.ok
      << " errors=" << t.errors << " in_flight=" << in_flight << " queue=" << depth << "\n";
}

}  // namespace detail

RunResult run_scenario(const ScenarioConfig& unshaped, const RunOptions& options) {
  // A failure scenario: its schedule drawn from the seed, the load as the faults shape it, and
  // what the faults need set up (a server, a proxy, namespaces, a small file system) before
  // the clock starts.
  std::unique_ptr<FaultDriver> faults;
  ScenarioConfig config = unshaped;
  std::string setup_error;
  if (!unshaped.faults.empty()) {
    const auto work_dir = options.out_dir / "faults" / unshaped.name;
    faults = std::make_unique<FaultDriver>(unshaped, options.seed, work_dir);
    faults->shape_load(config);
    try {
      if (config.store == "postgresql") {
        auto& url = faults->context().pg_url;
        url = !options.pg_url.empty()                         ? options.pg_url
              : config.start_server && options.start_postgres ? options.start_postgres()
                                                              : "";
        if (url.empty()) {
          throw legion::Error("scenario '" + config.name +
                              "' needs PostgreSQL: pass --pg-url or set LEGION_PG_URL "
                              "(`scripts/postgres start` prints one)");
        }
      }
      faults->prepare();
    } catch (const std::exception& e) {
      setup_error = e.what();
    }
  }
  const auto start = SteadyClock::now();
  if (faults) faults->set_start(start);
  const double planned = planned_duration_s(config);
  // Failure runs: whole seconds, the unit of the timeline and of the recovery rule.
  const auto width = faults ? std::chrono::nanoseconds(1'000'000'000) : bucket_width_for(planned);
  Metrics metrics(start,
                  std::chrono::nanoseconds(
                      static_cast<std::int64_t>((planned * 2.0 + config.drain_timeout_s) * 1e9)),
                  width);
  const std::uint64_t deliveries =
      config.workload == Workload::kBusFlood ? static_cast<std::uint64_t>(config.subscribers) : 1;
  if (faults) metrics.keep_completions(planned_tasks(config) * deliveries);
  History history(planned_tasks(config) * deliveries);
  ResourceMonitor monitor({::getpid()}, config.sample_hz);
  // An in-process SQLite store: its page caches (cache_size per connection) fill as the file
  // grows, which shows as RSS growth for as long as the run is short of their bound.
  const bool probe_cache = config.store == "sqlite" && config.worker_mode == WorkerMode::kThreads &&
                           config.workload == Workload::kAgentTasks;
  if (probe_cache) {
    monitor.set_cache_probe([] { return legion::store::sqlite_memory_used_bytes() / 1024; });
  }
  monitor.start();
  detail::WorkloadRun run(config, options, start, metrics, history, monitor);
  run.faults = faults.get();
  try {
    if (!setup_error.empty()) {
      throw EnvironmentMissing(setup_error);
    } else if (config.workload == Workload::kAgentTasks) {
      detail::run_agent_tasks(run);
    } else {
      detail::run_bus_flood(run);
    }
  } catch (const std::exception& e) {
    run.errors.push_back(e.what());
  }
  if (faults) faults->stop();  // heals whatever an early end left injected
  monitor.stop();

  Audit a = audit(history, run.drained);
  a.unexpected += run.extra_unexpected;
  a.duplicated += run.extra_duplicated;

  Measurements m;
  m.min_trend_window_s = config.min_trend_window_s;
  m.p99_ms = metrics.corrected_p99_ms();
  m.error_rate =
      a.invoked ? static_cast<double>(a.fail + a.info) / static_cast<double>(a.invoked) : 0.0;
  m.lost = a.lost;
  m.unexpected = a.unexpected;
  const double load_s = std::max(1e-9, metrics.duration_s(run.load_end));
  m.throughput = static_cast<double>(metrics.totals().ok) / load_s;
  const auto samples = monitor.samples();
  {
    std::vector<double> t, rss, net;
    for (const auto& s : samples) {
      t.push_back(s.t_s);
      rss.push_back(static_cast<double>(s.rss_kb));
      net.push_back(static_cast<double>(s.rss_kb - std::max<std::int64_t>(0, s.cache_kb)));
    }
    m.rss_trend = fit_trend(t, rss, config.warmup_fraction);
    if (probe_cache) m.rss_net_trend = fit_trend(t, net, config.warmup_fraction);
  }
  const auto latency = metrics.mean_latency_ms();
  m.latency_trend = fit_trend(latency.t, latency.value, config.warmup_fraction);
  if (run.restart_at_s)
    m.recovery_s = recovery_time(metrics.queue_depth(), *run.restart_at_s,
                                 config.workers * config.worker_threads);

  auto verdicts = evaluate(config.thresholds, m);
  if (!a.lost_ids.empty())
    verdicts.front().note =
        "ids (first " + std::to_string(a.lost_ids.size()) + "): " + id_list(a.lost_ids);
  verdicts.push_back({"completed", "> 0", static_cast<double>(a.ok), a.ok > 0,
                      "a run that completed nothing proves nothing"});
  verdicts.push_back(
      {"wrong_answer", "== 0", static_cast<double>(a.wrong_answer), a.wrong_answer == 0,
       a.wrong_answer ? "ids: " + id_list(a.wrong_ids) : "results checked against the operands"});
  if (config.workload == Workload::kAgentTasks && run.errors.empty()) {
    // The store's own ledger (legion verify): judged too, not only reported.
    std::string keys;
    for (const auto& k : run.ledger_lost_keys) keys += (keys.empty() ? "" : ", ") + k;
    verdicts.push_back(
        {"store_ledger_lost", "== 0", static_cast<double>(run.ledger_lost), run.ledger_lost == 0,
         run.ledger_lost == 0 ? "the store's verify(drained)"
                              : "done without an effect, or still pending after the drain" +
                                    (keys.empty() ? std::string() : ": " + keys)});
  }
  if (!run.worker_failure.empty()) {
    verdicts.push_back({"workers", "kept running", 1.0, false, run.worker_failure});
  }
  nlohmann::json fault_json;
  if (faults && setup_error.empty()) {
    auto outcome = detail::fault_outcome(config, *faults, metrics, monitor, a, run.drained,
                                         metrics.duration_s(run.load_end));
    fault_json = std::move(outcome.json);
    if (run.errors.empty())
      verdicts.insert(verdicts.end(), outcome.verdicts.begin(), outcome.verdicts.end());
  } else if (faults) {
    // The set-up failed (the environment verdict says why): nothing ran, no timeline to show.
    fault_json = {{"fault", config.name},
                  {"acknowledged", 0},
                  {"lost", 0},
                  {"duplicated", 0},
                  {"unexpected", 0},
                  {"detect_s", nullptr},
                  {"recovery_s", nullptr},
                  {"timeline", nlohmann::json::array()},
                  {"faults", faults->report()}};
  }
  if (!run.errors.empty()) {
    std::string all;
    for (const auto& e : run.errors) all += (all.empty() ? "" : "; ") + e;
    verdicts.push_back(
        {"environment", "no errors", static_cast<double>(run.errors.size()), false, all});
  }
  const bool pass = all_pass(verdicts);

  nlohmann::json j;
  j["scenario"] = config.name;
  j["description"] = config.description;
  j["file"] = config.source.string();
  j["config"] = config.raw;
  j["effective"] = effective_json(config);
  j["time_scale"] = options.time_scale;
  j["seed"] = options.seed;
  j["commit"] = options.commit;
  j["finished_at"] = utc_now();
  j["duration_s"] = load_s;
  j["load"] = run.load;
  const auto totals = metrics.totals();
  j["totals"] = {{"ok", totals.ok},
                 {"errors", totals.errors},
                 {"started", totals.started},
                 {"late", totals.late},
                 {"throughput_per_s", m.throughput},
                 {"error_rate", m.error_rate},
                 // Of the errors: the ones that are not transient (named in audit.*_ids).
                 {"dead_lettered", a.dead_lettered},
                 {"wrong_answer", a.wrong_answer}};
  j["audit"] = {{"invoked", a.invoked},
                {"ok", a.ok},
                {"fail", a.fail},
                {"info", a.info},
                {"lost", a.lost},
                {"unexpected", a.unexpected},
                {"duplicated", a.duplicated},
                {"recovered", a.recovered},
                {"dead_lettered", a.dead_lettered},
                {"wrong_answer", a.wrong_answer},
                {"acknowledged_not_kept", a.ack_not_kept},
                {"pending_after_drain", run.drained.pending},
                {"lost_ids", a.lost_ids},
                {"unexpected_ids", a.unexpected_ids},
                {"dead_lettered_ids", a.dead_ids},
                {"wrong_answer_ids", a.wrong_ids},
                {"pass", a.pass()}};
  j["percentiles"] = metrics.percentiles_json();
  j["series"] = metrics.series_json();
  j["resources"] = monitor.to_json();
  j["trends"] = {{"time_factor", config.time_factor},
                 {"min_window_s", config.min_trend_window_s},
                 {"note", "slopes per real minute (time scaling keeps the rates)"}};
  if (m.rss_trend) j["trends"]["rss_kb"] = to_json(*m.rss_trend);
  if (m.rss_net_trend) j["trends"]["rss_net_of_cache_kb"] = to_json(*m.rss_net_trend);
  if (m.latency_trend) j["trends"]["latency_mean_ms"] = to_json(*m.latency_trend);
  if (run.restart_at_s) {
    j["recovery"] = {{"restart_at_s", *run.restart_at_s},
                     {"recovery_s", m.recovery_s ? nlohmann::json(*m.recovery_s) : nullptr}};
  }
  for (auto& [key, value] : run.extra.items()) j[key] = value;
  if (faults) {
    for (auto& [key, value] : fault_json.items()) j[key] = value;
  }
  if (!run.errors.empty()) j["errors"] = run.errors;
  if (!run.worker_failure.empty()) j["worker_failure"] = run.worker_failure;
  j["verdicts"] = to_json(verdicts);
  j["pass"] = pass;
  return {std::move(j), pass};
}

}  // namespace stress
