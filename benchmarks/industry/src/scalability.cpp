#include "industry/scalability.hpp"

#include <csignal>
#include <map>
#include <ostream>
#include <thread>

#include "industry/disclosure.hpp"
#include "legion/error.hpp"
#include "stats/bootstrap.hpp"
#include "stats/usl.hpp"
#include "stress/workers.hpp"

namespace industry {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};
extern "C" void on_term(int) {
  g_stop = true;
}

std::vector<WorkClass> new_order_class(const std::shared_ptr<TpcStores>& stores,
                                       std::uint64_t seed) {
  auto all = tpc_classes(stores, seed);
  return {std::move(all[kNewOrder])};
}

legion::store::TaskHandler new_order_handler(SlotsByThread& slots, std::uint64_t seed) {
  return [&slots, seed](const legion::store::Task& task) {
    const auto id = Json::parse(task.payload).at("id").get<std::uint64_t>();
    const auto r = slots.mine().run(0, {id, tpc_params(kNewOrder, id, seed, 0)});
    if (!r.error.empty()) throw legion::Error(r.error);
    return Json{{"id", id}, {"answer", r.outcome.answer}}.dump();
  };
}

std::string with_param(const std::string& url, const std::string& param) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + param;
}

struct Step {
  std::string mode;
  int n = 0;
  int repetition = 0;
  long long tasks = 0;
  double elapsed_s = 0;
  double throughput = 0;
};

class Scaler {
 public:
  explicit Scaler(const ScalabilityOptions& o)
      : o_(o), latency_(legion::LatencyModel::parse(o.latency)) {}

  // A store for one repetition: a PostgreSQL schema, or a SQLite file.
  std::string url(const std::string& tag) {
    if (!o_.pg_url.empty()) return with_param(o_.pg_url, "schema=" + tag);
    const auto dir = o_.out_dir / "stores";
    std::filesystem::create_directories(dir);
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(dir / (tag + ".db" + suffix));
    return "sqlite://" + (dir / (tag + ".db")).string();
  }

  // Submits the backlog in one transaction and waits until every task is done.
  double drain(const std::string& tasks_url, long long tasks) {
    auto store = legion::store::open_store(tasks_url);
    std::vector<legion::store::TaskSpec> specs;
    for (long long i = 1; i <= tasks; ++i)
      specs.push_back({"tx-" + std::to_string(i), Json{{"id", next_id_++}}.dump(), 0});
    const auto t0 = Clock::now();
    store->submit_batch(specs);
    const auto deadline = t0 + std::chrono::seconds(600);
    for (;;) {
      const auto s = store->stats();
      if (s.dead > 0) throw legion::Error(std::to_string(s.dead) + " tasks failed for good");
      if (s.done >= tasks) break;
      if (Clock::now() > deadline) throw legion::Error("tasks not done within 600 s");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
  }

  long long tasks_for(int n) const {
    const auto per = std::max<long long>(
        10, std::llround(static_cast<double>(o_.tasks_per_instance) * o_.time_scale));
    return per * n;
  }

  std::vector<Step> vertical(std::vector<std::unique_ptr<Slot>>& slots) {
    std::vector<Step> out;
    for (int rep = 0; rep < o_.repetitions; ++rep) {
      for (int n : o_.threads) {
        const std::string tag = "scal_v" + std::to_string(n) + "_" + std::to_string(rep) + "_" +
                                std::to_string(::getpid());
        const std::string tasks_url = url(tag);
        SlotsByThread by_thread(slots);
        stress::WorkerThreads workers([&] { return legion::store::open_store(tasks_url); },
                                      new_order_handler(by_thread, o_.seed), n, 4);
        workers.start();
        Step s{"vertical", n, rep, tasks_for(n)};
        s.elapsed_s = drain(tasks_url, s.tasks);
        workers.stop();
        if (auto e = workers.error(); !e.empty()) throw legion::Error("worker: " + e);
        s.throughput = static_cast<double>(s.tasks) / s.elapsed_s;
        report(s);
        out.push_back(s);
      }
    }
    return out;
  }

  std::vector<Step> horizontal(const std::string& orders_url) {
    std::vector<Step> out;
    for (int rep = 0; rep < o_.repetitions; ++rep) {
      for (int n : o_.instances) {
        const std::string tag = "scal_h" + std::to_string(n) + "_" + std::to_string(rep) + "_" +
                                std::to_string(::getpid());
        const std::string tasks_url = url(tag);
        auto probe = legion::store::open_store(tasks_url);  // creates the schema first
        stress::WorkerLaunch launch;
        launch.extra_args = {"--framework",     o_.framework, "--orders-url",
                             orders_url,        "--seed",     std::to_string(o_.seed),
                             "--model-latency", o_.latency};
        stress::WorkerProcesses workers(o_.self.string(), tasks_url, n, 1, 4, std::move(launch));
        workers.start();
        // Every process has prepared its framework before the clock starts.
        const auto deadline = Clock::now() + std::chrono::seconds(300);
        while (probe->read_messages("ready", 0, 1000).size() < static_cast<std::size_t>(n)) {
          if (Clock::now() > deadline) {
            workers.stop();
            throw legion::Error("worker processes not ready within 300 s: " + workers.error());
          }
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        Step s{"horizontal", n, rep, tasks_for(n)};
        s.elapsed_s = drain(tasks_url, s.tasks);
        workers.stop();
        if (auto e = workers.error(); !e.empty()) throw legion::Error(e);
        s.throughput = static_cast<double>(s.tasks) / s.elapsed_s;
        report(s);
        out.push_back(s);
      }
    }
    return out;
  }

 private:
  void report(const Step& s) {
    if (o_.progress) {
      *o_.progress << "legion-industry scalability " << o_.framework << ": " << s.mode
                   << " N=" << s.n << " rep " << s.repetition + 1 << ": " << s.throughput
                   << " tasks/s\n";
    }
  }

  const ScalabilityOptions& o_;
  legion::LatencyModel latency_;
  std::uint64_t next_id_ = 1;
};

Json interval(const stats::Interval& i) {
  return {{"lower", i.lower}, {"upper", i.upper}, {"level", i.level}};
}

// The USL fit, the table per N, and the overhead verdict for one mode.
Json analyse(const std::vector<Step>& steps, int logical_cpus) {
  std::map<int, std::vector<double>> by_n;
  std::vector<stats::UslObservation> data;
  for (const auto& s : steps) {
    by_n[s.n].push_back(s.throughput);
    data.push_back({static_cast<double>(s.n), s.throughput});
  }
  Json out = Json::object();
  Json levels = Json::array();
  const auto base = by_n.find(1);
  std::string verdict = "pass";
  std::string why;
  for (const auto& [n, xs] : by_n) {
    double mean = 0;
    for (double x : xs) mean += x;
    mean /= static_cast<double>(xs.size());
    Json level = {{"n", n}, {"throughputs", xs}, {"mean", mean}};
    if (base != by_n.end() && n > 1) {
      double base_mean = 0;
      for (double x : base->second) base_mean += x;
      base_mean /= static_cast<double>(base->second.size());
      const double speedup = mean / base_mean;
      level["speedup"] = speedup;
      level["efficiency"] = speedup / n;
      level["overhead_per_instance"] = n / speedup;
      if (xs.size() >= 2 && base->second.size() >= 2) {
        const auto s = stats::bootstrap_ratio_of_means(base->second, xs);
        const stats::Interval overhead{n / s.upper, n / s.lower, s.level};
        level["overhead_ci"] = interval(overhead);
        if (overhead.lower > 1.5) {
          verdict = "fail";
          why = "N=" + std::to_string(n) + ": overhead CI above 1.5";
        } else if (overhead.upper >= 1.5 && verdict == "pass") {
          verdict = "inconclusive";
          why = "N=" + std::to_string(n) + ": overhead CI straddles 1.5";
        }
      } else if (verdict == "pass") {
        verdict = "inconclusive";
        why = "fewer than 2 repetitions: no CI";
      }
    }
    levels.push_back(level);
  }
  if (base == by_n.end()) {
    verdict = "inconclusive";
    why = "no N=1 level to compare with";
  }
  out["levels"] = levels;
  out["verdict"] = {{"criterion", "overhead N*X(1)/X(N) < 1.5 per instance (95% CI)"},
                    {"result", verdict},
                    {"note", why}};
  if (by_n.size() >= 3) {
    try {
      const auto ci = stats::bootstrap_usl(data, {1000, 0.95, 0x51});
      const auto& p = ci.fit.parameters;
      const auto peak = p.peak_n();
      out["usl"] = {{"lambda", p.lambda},
                    {"sigma", p.sigma},
                    {"kappa", p.kappa},
                    {"lambda_ci", interval(ci.lambda)},
                    {"sigma_ci", interval(ci.sigma)},
                    {"kappa_ci", interval(ci.kappa)},
                    {"r_squared", ci.fit.r_squared},
                    {"predicted_peak_n", peak ? Json(*peak) : Json()},
                    {"predicted_peak_throughput", peak ? Json(p.throughput(*peak)) : Json()},
                    {"peak_n_ci", interval(ci.peak_n)},
                    {"resamples_with_peak", ci.peak_share},
                    {"resamples", ci.resamples}};
    } catch (const std::exception& e) {
      out["usl"] = {{"not_fitted", e.what()}};
    }
  } else {
    out["usl"] = {{"not_fitted", "needs at least 3 concurrency levels"}};
  }
  const int largest = by_n.empty() ? 0 : by_n.rbegin()->first;
  if (largest > logical_cpus) {
    out["note"] = "this machine has " + std::to_string(logical_cpus) +
                  " logical CPUs: levels above it share cores, so they measure time-sharing "
                  "(and the simulated model's waits overlapping), not added hardware";
  }
  return out;
}

}  // namespace

int run_worker_process(const WorkerProcessOptions& o) {
  auto stores = std::make_shared<TpcStores>(o.orders_url, o.orders_url);
  const auto classes = new_order_class(stores, o.seed);
  std::vector<std::unique_ptr<Slot>> slots;
  const RunSettings settings{o.framework, o.seed, legion::LatencyModel::parse(o.latency)};
  for (int t = 0; t < o.concurrency; ++t)
    slots.push_back(std::make_unique<Slot>(settings, classes));
  // After the frameworks started: some install their own handlers.
  std::signal(SIGTERM, on_term);
  std::signal(SIGINT, on_term);
  SlotsByThread by_thread(slots);
  stress::WorkerThreads workers([&] { return legion::store::open_store(o.store_url); },
                                new_order_handler(by_thread, o.seed), o.concurrency, o.batch);
  workers.start();
  legion::store::open_store(o.store_url)->append_message("ready", o.id);
  while (!g_stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  workers.stop();
  return workers.error().empty() ? 0 : 1;
}

BenchmarkResult run_scalability(const ScalabilityOptions& o) {
  if (o.out_dir.empty()) throw UsageError("--out DIR is required");
  if (!(o.time_scale > 0 && o.time_scale <= 1)) throw UsageError("--time-scale must be in (0, 1]");
  if (o.repetitions < 1) throw UsageError("--repetitions must be >= 1");
  if (o.instances.empty() && o.threads.empty()) {
    throw UsageError("nothing to measure: --instances and --threads are both empty");
  }
  for (int n : o.instances) {
    if (n < 1 || n > 64) throw UsageError("--instances values must be in 1..64");
  }
  for (int n : o.threads) {
    if (n < 1 || n > 256) throw UsageError("--threads values must be in 1..256");
  }
  try {
    legion::LatencyModel::parse(o.latency);
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
  const int cpus = static_cast<int>(std::thread::hardware_concurrency());
  const Json config = {{"framework", o.framework},
                       {"instances", o.instances},
                       {"threads", o.threads},
                       {"repetitions", o.repetitions},
                       {"tasks_per_instance", o.tasks_per_instance},
                       {"time_scale", o.time_scale},
                       {"seed", o.seed},
                       {"model_latency", o.latency},
                       {"store", o.pg_url.empty() ? "sqlite" : "postgresql"},
                       {"workload", "tpc new_order (two agents, an idempotent store write)"}};
  BenchmarkResult result;
  Json& j = result.json;
  j = {{"benchmark", "scalability"}, {"framework", o.framework}};
  Scaler scaler(o);
  std::string version;
  try {
    std::vector<std::unique_ptr<Slot>> slots;
    const std::string orders_url = scaler.url("scal_orders_" + std::to_string(::getpid()));
    auto stores = std::make_shared<TpcStores>(orders_url, orders_url);
    const auto classes = new_order_class(stores, o.seed);
    const RunSettings settings{o.framework, o.seed, legion::LatencyModel::parse(o.latency)};
    int max_threads = 1;
    for (int n : o.threads) max_threads = std::max(max_threads, n);
    // One slot checks support and gives the version even when only horizontal runs.
    for (int t = 0; t < (o.threads.empty() ? 1 : max_threads); ++t)
      slots.push_back(std::make_unique<Slot>(settings, classes));
    version = slots.front()->version();
    j["framework_version"] = version;
    if (!o.threads.empty()) j["vertical"] = analyse(scaler.vertical(slots), cpus);
    if (!o.instances.empty()) {
      if (o.pg_url.empty()) {
        j["horizontal"] = {
            {"error",
             "needs PostgreSQL: pass --pg-url or set LEGION_PG_URL (`scripts/postgres "
             "start` prints one)"}};
        result.exit_code = 1;
      } else {
        j["horizontal"] = analyse(scaler.horizontal(orders_url), cpus);
      }
    }
  } catch (const Unsupported& e) {
    return unsupported_result(j, e.what(), disclosure(o.command_line, config, o.framework, ""),
                              o.out_dir / "scalability.json");
  } catch (const legion::Error& e) {
    j["status"] = "error";
    j["error"] = e.what();
    result.exit_code = 1;
  }
  if (!j.contains("status")) j["status"] = result.exit_code == 0 ? "ok" : "error";
  if (j["status"] == "error" && !j.contains("error")) j["error"] = j["horizontal"]["error"];
  j["config"] = config;
  j["disclosure"] = disclosure(o.command_line, config, o.framework, version);
  write_json(o.out_dir / "scalability.json", j);
  return result;
}

}  // namespace industry
