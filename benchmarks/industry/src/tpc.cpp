#include "industry/tpc.hpp"

#include <unistd.h>

#include <cmath>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <ostream>
#include <sstream>
#include <thread>

#include "industry/card_deck.hpp"
#include "industry/disclosure.hpp"
#include "legion/error.hpp"
#include "stress/generator.hpp"
#include "stress/history.hpp"
#include "stress/metrics.hpp"
#include "stress/monitor.hpp"
#include "stress/tracker.hpp"
#include "stress/workers.hpp"

namespace industry {
namespace {

using stress::SteadyClock;
using Nanos = std::chrono::nanoseconds;

Nanos seconds(double s) {
  return Nanos(static_cast<std::int64_t>(s * 1e9));
}

std::int64_t ticks(SteadyClock::time_point t) {
  return std::chrono::duration_cast<Nanos>(t.time_since_epoch()).count();
}

struct Phases {
  double ramp_s = 0, warmup_s = 0, window_s = 0;
  double window_start() const { return ramp_s + warmup_s; }
  double total() const { return ramp_s + warmup_s + window_s; }
};

struct Arrival {
  std::uint64_t seq = 0;
  std::size_t cls = 0;
  SteadyClock::time_point scheduled;
};

// The hand-off from the generator's thread to the terminals.
class ArrivalQueue {
 public:
  void push(const Arrival& a) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(a);
    }
    wake_.notify_one();
  }
  bool pop(Arrival& a) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return closed_ || !queue_.empty(); });
    if (queue_.empty()) return false;
    a = queue_.front();
    queue_.pop_front();
    return true;
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    wake_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Arrival> queue_;
  bool closed_ = false;
};

// Latencies of the transactions scheduled inside the steady-state window, per class.
struct WindowRecorder {
  std::mutex mutex;
  std::array<stats::LatencyHistogram, kTpcClassCount> classes;
  stats::LatencyHistogram deferred;
  std::array<std::uint64_t, kTpcClassCount> errors{};
  std::int64_t from_ns = 0, to_ns = 0;  // steady-clock window on scheduled times

  bool inside(std::int64_t scheduled_ns) const {
    return scheduled_ns >= from_ns && scheduled_ns < to_ns;
  }
};

struct TrialOutcome {
  bool pass = false;
  std::string reason;  // why not, when it failed
  std::string error;   // a wrong answer or failed run: the benchmark stops
  double tx_per_min = 0, new_order_per_min = 0;
  Json json;
};

double ms(std::uint64_t ns) {
  return static_cast<double>(ns) / 1e6;
}

class TpcBench {
 public:
  explicit TpcBench(const TpcOptions& o) : o_(o) {
    std::filesystem::create_directories(o.out_dir / "stores");
    for (const char* name : {"tpc-orders.db", "tpc-deliveries.db"}) {
      for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(o.out_dir / "stores" / (std::string(name) + suffix));
    }
    stores_ = std::make_shared<TpcStores>(
        "sqlite://" + (o.out_dir / "stores" / "tpc-orders.db").string(),
        "sqlite://" + (o.out_dir / "stores" / "tpc-deliveries.db").string());
    auto all = tpc_classes(stores_, o.seed);
    deferred_classes_.push_back(std::move(all.back()));
    all.pop_back();
    classes_ = std::move(all);
    settings_ = {o.framework, o.seed, legion::LatencyModel::parse(o.latency)};
    for (int t = 0; t < o.terminals; ++t)
      slots_.push_back(std::make_unique<Slot>(settings_, classes_));
    deferred_slot_ = std::make_unique<Slot>(settings_, deferred_classes_);
    version_ = slots_.front()->version();
    deferred_ = std::make_unique<stress::WorkerThreads>(
        [this] { return legion::store::open_store(stores_->deliveries.url()); },
        [this](const legion::store::Task& task) { return deliver(task); }, 1, 1);
    deferred_->start();
  }

  ~TpcBench() { deferred_->stop(); }

  const std::string& version() const { return version_; }

  TrialOutcome trial(double rate, Phases phases) {
    // Every class must show in the window: any 45 consecutive cards hold a whole deck of 23.
    phases.window_s = std::max(phases.window_s, 46.0 / rate);
    const auto start = SteadyClock::now() + std::chrono::milliseconds(20);
    const std::vector<stress::Stage> stages = {{rate, phases.total(), phases.ramp_s}};
    const std::uint64_t planned = stress::ArrivalSchedule(stages).total() + 1;
    stress::Metrics metrics(start, seconds(phases.total()),
                            stress::bucket_width_for(phases.total()));
    stress::History history(planned);
    stress::Tracker tracker(planned, metrics, history);
    {
      std::lock_guard lock(window_.mutex);
      for (auto& h : window_.classes) h.reset();
      window_.deferred.reset();
      window_.errors = {};
      window_.from_ns = ticks(start + seconds(phases.window_start()));
      window_.to_ns = ticks(start + seconds(phases.total()));
    }
    std::mutex error_mutex;
    std::string first_error;

    ArrivalQueue queue;
    std::vector<Arrival> arrivals;  // by seq, for the classes of the window's transactions
    std::vector<std::thread> terminals;
    const std::uint64_t tx_base = next_tx_.fetch_add(planned);
    std::array<std::uint64_t, kTpcClassCount> window_ok{};
    for (int t = 0; t < o_.terminals; ++t) {
      terminals.emplace_back([&, t] {
        Slot& slot = *slots_[static_cast<std::size_t>(t)];
        Arrival a;
        while (queue.pop(a)) {
          tracker.invoked(a.seq);
          const TpcClassInfo& info = tpc_class_info(a.cls);
          auto submitted = a.scheduled;
          if (o_.keying_scale > 0) {
            // The user keys the request: the terminal is busy, the response time starts after.
            submitted += seconds(info.keying_s * o_.keying_scale);
            std::this_thread::sleep_until(submitted);
          }
          const std::uint64_t id = tx_base + a.seq;
          Json params = tpc_params(a.cls, id, o_.seed, last_order_.load());
          if (a.cls == kDelivery) params["queued_ns"] = ticks(a.scheduled);
          const auto result = slot.run(a.cls, {id, std::move(params)});
          const auto done = SteadyClock::now();
          tracker.completed(a.seq, result.error.empty());
          {
            std::lock_guard lock(window_.mutex);
            if (window_.inside(ticks(a.scheduled))) {
              if (result.error.empty()) {
                window_.classes[a.cls].record(
                    static_cast<std::uint64_t>((done - submitted).count()));
                ++window_ok[a.cls];
              } else {
                ++window_.errors[a.cls];
              }
            }
          }
          if (!result.error.empty()) {
            std::lock_guard lock(error_mutex);
            if (first_error.empty()) first_error = result.error;
          } else if (a.cls == kPayment) {
            ++payments_ok_;
          } else if (a.cls == kNewOrder) {
            auto last = last_order_.load();
            while (id > last && !last_order_.compare_exchange_weak(last, id)) {
            }
          }
          if (o_.keying_scale > 0) {
            std::this_thread::sleep_for(seconds(info.think_s * o_.keying_scale));
          }
        }
      });
    }

    stress::ResourceMonitor monitor({::getpid()}, 20.0);
    monitor.start();
    CardDeck deck(deck_cards(), o_.seed ^ tx_base);
    stress::GeneratorOptions gen;
    gen.max_backlog = static_cast<std::uint64_t>(o_.terminals) * 8;
    const auto report = stress::run_generator(
        stress::ArrivalSchedule(stages), gen, start,
        [&](std::uint64_t seq, SteadyClock::time_point scheduled) {
          const auto now = SteadyClock::now();
          tracker.dispatched(seq, scheduled, now, now - scheduled > gen.late_tolerance);
          queue.push({seq, deck.next(), scheduled});
        },
        [&] { return tracker.in_flight(); });
    const auto drain_timeout = seconds(std::max(30.0, 4.0 * phases.total()));
    tracker.drain(drain_timeout);
    queue.close();
    for (auto& t : terminals) t.join();
    const bool deferred_drained = drain_deferred(drain_timeout);
    monitor.stop();
    history.close_open_operations();

    TrialOutcome out;
    out.error = first_error;
    Json classes = Json::object();
    std::uint64_t ok_total = 0;
    bool slo = true;
    std::string reason;
    {
      std::lock_guard lock(window_.mutex);
      for (std::size_t c = 0; c < kTpcClassCount; ++c) {
        const auto& h = window_.classes[c];
        Json entry = percentiles_ms(h);
        const double limit = o_.p90_limit_s[c];
        const bool met = h.count() > 0 && static_cast<double>(h.percentile(90)) <= limit * 1e9;
        entry["p90_limit_ms"] = limit * 1e3;
        entry["errors"] = window_.errors[c];
        entry["slo_met"] = met;
        classes[tpc_class_info(c).name] = entry;
        ok_total += window_ok[c];
        if (!met && slo) {
          slo = false;
          reason = h.count() == 0
                       ? std::string(tpc_class_info(c).name) + ": no transaction in the window"
                       : std::string(tpc_class_info(c).name) + " p90 " +
                             std::to_string(ms(h.percentile(90))) + " ms > " +
                             std::to_string(limit * 1e3) + " ms";
        }
      }
      Json deferred = percentiles_ms(window_.deferred);
      deferred["p90_limit_ms"] = o_.deferred_p90_limit_s * 1e3;
      const bool deferred_met =
          deferred_drained &&
          (window_.deferred.count() == 0 ||
           static_cast<double>(window_.deferred.percentile(90)) <= o_.deferred_p90_limit_s * 1e9);
      deferred["slo_met"] = deferred_met;
      deferred["drained"] = deferred_drained;
      classes["delivery_deferred"] = deferred;
      if (!deferred_met && slo) {
        slo = false;
        reason = deferred_drained ? "delivery_deferred p90 over its limit"
                                  : "deferred deliveries not done before the drain deadline";
      }
    }
    const auto counts = history.counts();
    if (report.dropped > 0 && slo) {
      slo = false;
      reason = std::to_string(report.dropped) + " arrivals dropped (more than " +
               std::to_string(gen.max_backlog) + " in flight)";
    }
    if (counts.info > 0 && slo) {
      slo = false;
      reason = std::to_string(counts.info) + " transactions unfinished at the drain deadline";
    }
    out.pass = slo && first_error.empty();
    out.reason = first_error.empty() ? reason : first_error;
    out.tx_per_min = static_cast<double>(ok_total) / phases.window_s * 60.0;
    out.new_order_per_min = static_cast<double>(window_ok[kNewOrder]) / phases.window_s * 60.0;

    // Resources over the window: CPU time integrated from the monitor's samples.
    const auto samples = monitor.samples();
    const double w0 = phases.window_start() + 0.02, w1 = phases.total() + 0.02;
    const double cpu_s = cpu_seconds(samples, w0, w1);
    std::int64_t rss_peak = 0, rss_base = samples.empty() ? 0 : samples.front().rss_kb;
    for (const auto& s : samples) {
      if (s.t_s > w0 && s.t_s <= w1) rss_peak = std::max(rss_peak, s.rss_kb);
    }
    const double per_k = ok_total > 0 ? 1000.0 / static_cast<double>(ok_total) : NAN;
    out.json = {
        {"rate_per_s", rate},
        {"pass", out.pass},
        {"reason", out.reason},
        {"tx_per_min", out.tx_per_min},
        {"new_order_per_min", out.new_order_per_min},
        {"window",
         {{"start_s", phases.window_start()},
          {"end_s", phases.total()},
          {"duration_s", phases.window_s}}},
        {"classes", classes},
        {"arrivals",
         {{"scheduled", report.scheduled},
          {"dispatched", report.dispatched},
          {"late", report.late},
          {"dropped", report.dropped},
          {"completed", counts.ok},
          {"failed", counts.fail},
          {"unfinished", counts.info}}},
        {"latency_all_classes", metrics.percentiles_json()},
        {"resources",
         {{"cpu_s_per_1000_tx", cpu_s * per_k},
          {"mb_per_1000_tx",
           static_cast<double>(std::max<std::int64_t>(0, rss_peak - rss_base)) / 1024.0 * per_k},
          {"rss_peak_mb", static_cast<double>(rss_peak) / 1024.0},
          {"rss_start_mb", static_cast<double>(rss_base) / 1024.0},
          {"cpu_s_window", cpu_s},
          {"monitor_cpu_percent", monitor.own_cpu_percent()}}}};
    return out;
  }

  Json audit() {
    auto orders = legion::store::open_store(stores_->orders.url());
    const auto ledger = orders->verify(false);
    std::int64_t payments = 0;
    for (std::int64_t after = 0;;) {
      const auto page = orders->read_messages("payments", after, 1000);
      if (page.empty()) break;
      payments += static_cast<std::int64_t>(page.size());
      after = page.back().id;
    }
    auto deliveries = legion::store::open_store(stores_->deliveries.url());
    const auto dl = deliveries->verify(false);
    const bool pass = ledger.unexpected == 0 && ledger.duplicated == 0 && dl.unexpected == 0 &&
                      dl.duplicated == 0 && payments == payments_ok_.load();
    return {{"orders", ledger_json(ledger)},
            {"deliveries", ledger_json(dl)},
            {"payments_recorded", payments},
            {"payments_completed", payments_ok_.load()},
            {"pass", pass}};
  }

 private:
  static std::vector<int> deck_cards() {
    std::vector<int> cards;
    for (std::size_t c = 0; c < kTpcClassCount; ++c) cards.push_back(tpc_class_info(c).cards);
    return cards;
  }

  std::string deliver(const legion::store::Task& task) {
    const Json payload = Json::parse(task.payload);
    const auto result = deferred_slot_->run(0, {payload.value("delivery", std::uint64_t{0}), {}});
    if (!result.error.empty()) throw legion::Error(result.error);
    const auto done = ticks(SteadyClock::now());
    if (payload.contains("queued_ns")) {
      const auto queued = payload["queued_ns"].get<std::int64_t>();
      std::lock_guard lock(window_.mutex);
      if (window_.inside(queued))
        window_.deferred.record(static_cast<std::uint64_t>(done - queued));
    }
    return Json{{"answer", result.outcome.answer}}.dump();
  }

  bool drain_deferred(Nanos timeout) {
    const auto deadline = SteadyClock::now() + timeout;
    auto store = legion::store::open_store(stores_->deliveries.url());
    for (;;) {
      const auto s = store->stats();
      if (s.queued + s.leased + s.failed == 0) return true;
      if (SteadyClock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  const TpcOptions& o_;
  std::shared_ptr<TpcStores> stores_;
  std::vector<WorkClass> classes_, deferred_classes_;
  RunSettings settings_;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::unique_ptr<Slot> deferred_slot_;
  std::unique_ptr<stress::WorkerThreads> deferred_;
  std::string version_;
  WindowRecorder window_;
  std::atomic<std::uint64_t> next_tx_{1};
  std::atomic<std::uint64_t> last_order_{0};
  std::atomic<std::int64_t> payments_ok_{0};
};

Json config_json(const TpcOptions& o, const Phases& trial, const Phases& measure) {
  Json limits = Json::object();
  Json mix = Json::object();
  for (std::size_t c = 0; c < kTpcClassCount; ++c) {
    limits[tpc_class_info(c).name] = o.p90_limit_s[c];
    mix[tpc_class_info(c).name] = {{"cards", tpc_class_info(c).cards},
                                   {"min_share", tpc_class_info(c).cards / 23.0},
                                   {"keying_s", tpc_class_info(c).keying_s * o.keying_scale},
                                   {"think_s", tpc_class_info(c).think_s * o.keying_scale}};
  }
  limits["delivery_deferred"] = o.deferred_p90_limit_s;
  auto phases = [](const Phases& p) {
    return Json{{"ramp_s", p.ramp_s}, {"warmup_s", p.warmup_s}, {"window_s", p.window_s}};
  };
  return {{"framework", o.framework},
          {"time_scale", o.time_scale},
          {"seed", o.seed},
          {"terminals", o.terminals},
          {"model_latency", legion::LatencyModel::parse(o.latency).spec()},
          {"p90_limits_s", limits},
          {"mix", mix},
          {"keying_scale", o.keying_scale},
          {"trial_phases", phases(trial)},
          {"measure_phases", phases(measure)},
          {"search",
           {{"start_rate", o.search.start_rate},
            {"max_rate", o.search.max_rate},
            {"min_rate", o.search.min_rate},
            {"growth", o.search.growth},
            {"resolution", o.search.resolution},
            {"max_bisections", o.search.max_bisections}}},
          {"corpus_documents", kCorpusDocuments},
          {"store", "sqlite (synchronous=full), one file per run under OUT/stores"}};
}

}  // namespace

TpcOptions default_tpc_options() {
  TpcOptions o;
  for (std::size_t c = 0; c < kTpcClassCount; ++c) o.p90_limit_s[c] = tpc_class_info(c).p90_limit_s;
  return o;
}

BenchmarkResult run_tpc(const TpcOptions& o) {
  if (!(o.time_scale > 0 && o.time_scale <= 1)) throw UsageError("--time-scale must be in (0, 1]");
  if (o.terminals < 1) throw UsageError("--terminals must be >= 1");
  if (o.keying_scale < 0) throw UsageError("--keying-scale must be >= 0");
  for (double limit : o.p90_limit_s) {
    if (!(limit > 0)) throw UsageError("a p90 limit must be > 0 seconds");
  }
  try {
    validate(o.search);
    legion::LatencyModel::parse(o.latency);
  } catch (const std::exception& e) {
    throw UsageError(e.what());
  }
  if (o.out_dir.empty()) throw UsageError("--out DIR is required");
  auto scaled = [&](double s, double floor) { return std::max(s * o.time_scale, floor); };
  const Phases trial{scaled(o.ramp_s, 0.2), scaled(o.warmup_s, 0.3), scaled(o.window_s, 2.0)};
  const Phases measure{trial.ramp_s, trial.warmup_s, scaled(o.measure_window_s, 4.0)};
  const Json config = config_json(o, trial, measure);

  BenchmarkResult result;
  Json& j = result.json;
  j = {{"benchmark", "tpc"}, {"framework", o.framework}};
  std::unique_ptr<TpcBench> bench;
  try {
    bench = std::make_unique<TpcBench>(o);
  } catch (const Unsupported& e) {
    return unsupported_result(j, e.what(), disclosure(o.command_line, config, o.framework, ""),
                              o.out_dir / "tpc.json");
  }
  j["framework_version"] = bench->version();
  Json trials = Json::array();
  Json measured;
  std::string error;
  auto run_trial = [&](const Phases& phases, double rate, const std::string& phase) {
    if (!error.empty()) return false;  // a failed check ends the search: nothing more counts
    TrialOutcome t = bench->trial(rate, phases);
    t.json["phase"] = phase;
    if (o.progress) {
      *o.progress << "legion-industry tpc " << o.framework << ": " << phase << " " << rate
                  << "/s -> " << (t.pass ? "pass" : "fail: " + t.reason) << " ("
                  << static_cast<long long>(t.tx_per_min) << " tx/min)\n";
    }
    if (!t.error.empty()) error = t.error;
    if (phase == "measure" && t.pass) measured = t.json;
    trials.push_back(t.json);
    return t.pass;
  };
  const auto search = search_rate(
      o.search, [&](double r, const std::string& p) { return run_trial(trial, r, p); },
      [&](double r, const std::string& p) { return run_trial(measure, r, p); });

  j["search"] = {{"trials", trials},
                 {"first_failing_rate", search.first_fail ? Json(*search.first_fail) : Json()}};
  if (!error.empty()) {
    j["status"] = "error";
    j["error"] = error;
    result.exit_code = 1;
  } else if (!search.best) {
    j["status"] = "no_sustainable_rate";
    j["headline"] = {{"tx_per_min", nullptr}, {"slo_met", false}};
    result.exit_code = 1;
  } else {
    j["status"] = "ok";
    j["headline"] = {{"tx_per_min", measured["tx_per_min"]},
                     {"new_order_per_min", measured["new_order_per_min"]},
                     {"rate_per_s", *search.best},
                     {"slo_met", true},
                     {"window", measured["window"]}};
    j["classes"] = measured["classes"];
    j["resources"] = measured["resources"];
    j["arrivals"] = measured["arrivals"];
    j["latency_all_classes"] = measured["latency_all_classes"];
  }
  j["audit"] = bench->audit();
  if (!j["audit"]["pass"].get<bool>() && result.exit_code == 0) {
    j["status"] = "error";
    j["error"] = "the store audit failed (duplicated or unexpected effects, or payments lost)";
    result.exit_code = 1;
  }
  j["config"] = config;
  const Json disc = disclosure(o.command_line, config, o.framework, bench->version());
  j["disclosure"] = disc;
  write_json(o.out_dir / "disclosure.json", disc);
  write_json(o.out_dir / "tpc.json", j);
  return result;
}

}  // namespace industry
