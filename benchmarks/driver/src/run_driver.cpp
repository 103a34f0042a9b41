#include "driver/run_driver.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "bench_names.hpp"
#include "calibration.hpp"
#include "driver/comparison_view.hpp"
#include "driver/cost_model.hpp"
#include "driver/driver_error.hpp"
#include "driver/duration.hpp"
#include "driver/duration_forecast.hpp"
#include "driver/manifest.hpp"
#include "driver/order.hpp"
#include "driver/planner.hpp"
#include "driver/process_data.hpp"
#include "driver/run_summary.hpp"
#include "driver/targets.hpp"
#include "machine.hpp"
#include "text_file.hpp"

namespace legion::driver {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kColdRow =
    std::string(legion::bench::kColdStartCase) + "/" + legion::bench::kColdStart;
const std::string kCalibrationRow =
    std::string(legion::bench::kCalibrationCase) + "/" + legion::bench::kHot;
// Full processes (every row) per framework in the sample. Every row needs 2 to be compared at
// all; a regime's geometric mean is taken over the processes that ran all its rows, in practice
// the full ones, and with 2 its interval has 1 degree of freedom (t ~ 51 at 98.75%: CrewAI hot
// 2629 [73, 94440] in the 17965ab default run although its two processes differed by ~20%). A
// third gives 2 (t ~ 8.9), for about what the first replication round spent on near-full row
// processes that entered no geometric mean (docs/harness.md, "scripts/bench and the run
// driver"). A flagged full process is replaced by a full re-run, not dropped, so the 3 stay.
constexpr int kSampleFullProcesses = 3;
// Processes per framework every row needs to be compared at all.
constexpr int kRowProcesses = 2;
// Kept free at the end of the budget for the last comparison (at most 5% of the budget; twice
// the last comparison's time once one ran).
constexpr double kLookReserve_s = 5.0;

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

double median(std::vector<double> x) {
  if (x.empty()) return 0;
  std::sort(x.begin(), x.end());
  const std::size_t n = x.size();
  return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

std::string fixed(double value, int digits) {
  char out[32];
  std::snprintf(out, sizeof out, "%.*f", digits, value);
  return out;
}

// A process the driver intends to run.
struct Planned {
  std::string framework;
  std::string kind;               // full, cold_start, rows, rerun
  std::vector<std::string> rows;  // empty: every row
  double predicted_s = 0;
  std::size_t rerun_of = SIZE_MAX;  // index into processes_
  bool optional = true;             // skipped when the budget no longer fits it
};

struct Look {
  int number = 0;
  json doc;
  ComparisonView view;
  fs::path json_file, text_file;
};

class Driver {
 public:
  Driver(const DriverOptions& options, Launcher& launcher, std::ostream& out,
         std::ostream& progress)
      : o_(options), launcher_(launcher), out_(out), progress_(progress) {}

  int run();
  double clock() const { return launcher_.now_s(); }
  // A fixed or smoke run compares once.
  int looks_planned() const { return o_.smoke || o_.fixed_processes ? 1 : o_.looks; }
  bool adaptive() const { return !o_.smoke && !o_.fixed_processes; }
  // What legion-compare appends to every framework's name ("@http" over HTTP).
  std::string transport_suffix() const {
    return o_.transport == "inproc" ? "" : "@" + o_.transport;
  }
  // Records why the run stopped in run.json and summary.txt (when the run directory exists).
  void fail(const std::string& why) {
    status_ = "failed: " + why;
    if (!owns_out_dir_) return;
    write_manifest();
    try {
      write_summary("RUN FAILED: " + why);
    } catch (const DriverError&) {  // the run's own error is the one to report
    }
  }

 private:
  // Set-up.
  void list_frameworks();
  json calibrate();
  void probe_compare();
  // Processes.
  std::vector<std::string> bench_args(const Planned& p, const std::string& file) const;
  void run_process(const Planned& p, double forecast, int round);
  // The kind a process is forecast as: a re-run as the process it re-runs.
  std::string forecast_kind(const Planned& p) const {
    return p.rerun_of == SIZE_MAX ? p.kind : processes_[p.rerun_of].kind;
  }
  Planned rerun_plan(std::size_t index) const;
  bool needs_full_rerun(const ProcessRecord& p) const;
  std::size_t rerun_flagged_full();
  std::string why_not_rerun(std::size_t index) const;
  std::size_t drop_flagged_not_rerun();
  void run_round(std::vector<Planned> round, int number);
  std::vector<Planned> sample_round_two();
  std::vector<Planned> replication_round(int look_number);
  void settle_rerun(ProcessRecord& rerun);
  // What a process costs and what each row's samples are.
  std::vector<const ProcessRecord*> kept(const std::string& framework) const;
  std::vector<KeptProcess> kept_processes(const std::string& framework) const;
  FrameworkModel model_of(const std::string& framework) const;
  double predict(const std::string& framework, const std::vector<std::string>& rows) const;
  // Looks.
  // again: the last look's comparison once more, without the processes dropped since.
  void look(bool again = false);
  bool all_done() const;
  const ComparisonView* last_view() const { return looks_.empty() ? nullptr : &looks_.back().view; }
  // Budget and output.
  double left_s() const { return deadline_ - clock(); }
  void report_progress(const ProcessRecord& p, std::size_t at, std::size_t of, int round,
                       double round_left_s);
  json manifest() const;
  // At most once a second while processes run (a run may hold thousands of short ones and the
  // manifest grows with them); `now` for looks, failures and the end.
  void write_manifest(bool now = true) {
    if (!now && clock() - manifest_written_ < 1.0) return;
    write_json_atomically(o_.out_dir / "run.json", manifest());
    manifest_written_ = clock();
  }
  std::vector<std::string> summary_lines() const;
  // summary.txt: the run's summary alone (`first`, when given, opens it). Returns its lines.
  std::vector<std::string> write_summary(const std::string& first = "") const;
  DriverError budget_too_small(const std::string& detail) const;
  // The look a round's processes are compared at: the sample's two rounds feed look 1, the
  // full re-runs after the last look feed it again.
  int look_of_round(int round) const {
    if (after_last_look_) return static_cast<int>(looks_.size());
    return adaptive() ? std::max(1, round - 1) : 1;
  }
  bool disturbed() const { return run_disturbed(last_view(), processes_); }

  const DriverOptions& o_;
  Launcher& launcher_;
  std::ostream& out_;
  std::ostream& progress_;
  std::vector<std::string> frameworks_;
  double start_ = 0, deadline_ = 0;
  std::string started_utc_;
  bool compare_has_looks_ = false;
  json calibration_start_, calibration_end_;
  std::vector<ProcessRecord> processes_;
  std::vector<MeasuredProcess> measured_;    // what forecasts learn from
  std::vector<SkippedProcess> skipped_;      // not started: past the budget
  std::map<std::string, ProcessData> data_;  // by file name
  std::map<std::string, int> next_index_;
  int last_round_ = 0;
  bool after_last_look_ = false;  // running the full re-runs of rerun_flagged_full()
  std::vector<Look> looks_;
  std::vector<std::string> notes_;
  std::string status_ = "running";
  bool owns_out_dir_ = false;  // run.json is this run's to write
  double manifest_written_ = 0;
  // The driver's own time per process (start, reading the result, the manifest) and the last
  // look's duration: both go into what the planner and the budget expect things to cost.
  double overhead_s_ = 0;
  std::size_t overhead_samples_ = 0;
  double last_look_s_ = 0;
  double looks_s_ = 0;
  double look_reserve() const {
    return std::max(std::min(kLookReserve_s, 0.05 * o_.budget_s), 2 * last_look_s_);
  }
  double overhead_per_process() const {
    return overhead_samples_ ? overhead_s_ / static_cast<double>(overhead_samples_) : 0.0;
  }
};

// --- Set-up --------------------------------------------------------------------------------

void Driver::list_frameworks() {
  const fs::path list = o_.out_dir / "frameworks.txt";
  const ChildResult r =
      launcher_.run({(o_.bin_dir / "legion-bench").string(), "--list-frameworks"}, list, list, 120);
  if (r.exit_status != 0) {
    throw DriverError("legion-bench --list-frameworks failed: " + last_line(list));
  }
  std::vector<std::string> installed;
  std::istringstream in(read_text(list));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) installed.push_back(line);
  }
  fs::remove(list);
  std::vector<std::string> chosen = o_.frameworks.empty() ? installed : o_.frameworks;
  std::set<std::string> seen;
  for (const std::string& f : chosen) {
    if (std::find(installed.begin(), installed.end(), f) == installed.end()) {
      std::string names;
      for (const auto& i : installed) names += (names.empty() ? "" : " ") + i;
      throw DriverError("unknown framework '" + f + "' (installed: " + names + ")");
    }
    if (!seen.insert(f).second) throw DriverError("--framework " + f + " given twice");
  }
  if (!seen.contains(o_.baseline)) {
    if (std::find(installed.begin(), installed.end(), o_.baseline) == installed.end()) {
      throw DriverError("the baseline '" + o_.baseline + "' is not installed");
    }
    progress_ << "[bench] adding " << o_.baseline
              << ", the baseline every framework is compared with\n";
    chosen.insert(chosen.begin(), o_.baseline);
  }
  if (chosen.size() < 2) throw DriverError("nothing to compare: only " + chosen.front());
  // The baseline first: legion-compare lists it first, and so does the manifest.
  std::stable_partition(chosen.begin(), chosen.end(),
                        [&](const std::string& f) { return f == o_.baseline; });
  frameworks_ = chosen;
}

// The fixed C++ loop (in this process) and a fixed CPython loop (a separate interpreter):
// figures of the machine's speed at this moment, compared across runs and hosts.
json Driver::calibrate() {
  json c = {{"cpp_ns", legion::bench::measure_calibration_ns()}};
  if (o_.python.empty()) {
    c["python_ns"] = nullptr;
    c["python_error"] = "no CPython given (--python)";
    return c;
  }
  static const char* kLoop =
      "import time\n"
      "def work():\n"
      "    x = 0\n"
      "    for i in range(100000):\n"
      "        x = (x * 31 + i) & 0xFFFFFFFF\n"
      "    return x\n"
      "t = []\n"
      "for _ in range(9):\n"
      "    s = time.perf_counter_ns(); r = work(); t.append(time.perf_counter_ns() - s)\n"
      "t.sort()\n"
      "print(t[4], r)\n";
  const fs::path out = o_.out_dir / "calibration-python.txt";
  const ChildResult r = launcher_.run({o_.python.string(), "-I", "-S", "-c", kLoop}, out, out, 60);
  std::istringstream in(read_text(out));
  double ns = 0;
  std::uint64_t checksum = 0;
  if (r.exit_status == 0 && (in >> ns >> checksum) && ns > 0) {
    c["python_ns"] = ns;
    c["python_checksum"] = checksum;
  } else {
    c["python_ns"] = nullptr;
    c["python_error"] = o_.python.string() + " failed: " + last_line(out);
  }
  fs::remove(out);
  return c;
}

// legion-compare learns --looks and --precision with schema legion-compare/2; an older one is
// told nothing it would reject, and the run says the looks went uncorrected.
void Driver::probe_compare() {
  const fs::path help = o_.out_dir / "compare-help.txt";
  launcher_.run({(o_.bin_dir / "legion-compare").string(), "--help"}, help, help, 60);
  compare_has_looks_ = read_text(help).find("--looks") != std::string::npos;
  fs::remove(help);
  if (!compare_has_looks_ && looks_planned() > 1) {
    notes_.push_back("legion-compare has no --looks: the intervals of the " +
                     std::to_string(looks_planned()) + " planned looks are not widened for them");
  }
}

// --- Processes -----------------------------------------------------------------------------

std::vector<std::string> Driver::bench_args(const Planned& p, const std::string& file) const {
  std::vector<std::string> args = {(o_.bin_dir / "legion-bench").string(),
                                   "--framework=" + p.framework,
                                   "--seed=" + std::to_string(o_.seed)};
  if (!o_.scenario.empty()) args.push_back("--scenario=" + o_.scenario);
  if (!o_.model_latency.empty()) args.push_back("--model-latency=" + o_.model_latency);
  if (o_.transport != "inproc") args.push_back("--transport=" + o_.transport);
  if (o_.smoke) args.push_back("--smoke");
  args.push_back("--benchmark_repetitions=" + std::to_string(o_.repetitions));
  args.push_back("--benchmark_min_time=" + fixed(o_.smoke ? 0.001 : o_.min_time_s, 3));
  args.push_back("--benchmark_report_aggregates_only=false");
  if (!p.rows.empty()) {
    std::vector<std::string> rows = p.rows;
    if (std::find(rows.begin(), rows.end(), kCalibrationRow) == rows.end()) {
      rows.push_back(kCalibrationRow);  // every process: the A/A gate names processes by it
    }
    args.push_back("--benchmark_filter=" + rows_filter(rows));
  }
  args.push_back("--benchmark_out=" + (o_.out_dir / file).string());
  args.push_back("--benchmark_out_format=json");
  return args;
}

void Driver::run_process(const Planned& p, double forecast, int round) {
  const double began = clock();
  ProcessRecord r;
  r.framework = p.framework;
  r.index = ++next_index_[p.framework];
  r.round = round;
  r.kind = p.kind;
  r.rows = p.rows;
  r.file = p.framework + "." + std::to_string(r.index) + ".json";
  r.log = p.framework + "." + std::to_string(r.index) + ".txt";
  r.predicted_s = p.predicted_s;
  r.forecast_s = forecast;
  if (p.rerun_of != SIZE_MAX) r.rerun_of = processes_[p.rerun_of].file;
  const std::vector<std::string> args = bench_args(p, r.file);
  for (const std::string& a : args) {
    if (a.rfind("--benchmark_filter=", 0) == 0) r.filter = a.substr(19);
  }
  // Generous: a process that takes this long is hung, not slow. A loaded machine makes
  // processes 5-10x slower than the ones the prediction came from, so never less than the rest
  // of the budget and 5 minutes more.
  const double timeout = std::max({10 * p.predicted_s + 120, left_s() + 300, 900.0});
  r.started = utc_now();
  const ChildResult c = launcher_.run(args, o_.out_dir / r.log, o_.out_dir / r.log, timeout);
  r.ended = utc_now();
  r.wall_s = c.wall_s;
  r.exit_status = c.exit_status;
  r.signal = c.signal;
  r.timed_out = c.timed_out;
  r.interference =
      assess(c.before, c.after, c.usage, static_cast<double>(sysconf(_SC_CLK_TCK)), o_.limits);
  r.flags = r.interference.reasons;
  measured_.push_back({p.framework, forecast_kind(p), p.predicted_s, c.wall_s});
  processes_.push_back(r);
  ProcessRecord& rec = processes_.back();
  const std::string who = "legion-bench --framework=" + p.framework + " (" + rec.file + ")";
  if (c.timed_out) {
    rec.kept = false;
    write_manifest();
    throw DriverError(who + " did not finish in " + format_duration(timeout) + "; see " +
                      (o_.out_dir / rec.log).string());
  }
  if (c.exit_status == 2) {  // bad input: legion-bench says why in one line
    rec.kept = false;
    write_manifest();
    throw DriverError("legion-bench rejected the run: " + last_line(o_.out_dir / rec.log));
  }
  if (c.exit_status != 0 && c.exit_status != 1) {
    rec.kept = false;
    write_manifest();
    throw DriverError(who + " failed (" +
                      (c.signal ? "signal " + std::to_string(c.signal)
                                : "status " + std::to_string(c.exit_status)) +
                      "); see " + (o_.out_dir / rec.log).string());
  }
  ProcessData data = read_process_data(o_.out_dir / rec.file);
  rec.calibration_cpp_ns = data.calibration_cpp_ns;
  data_[rec.file] = std::move(data);
  if (!rec.rerun_of.empty()) settle_rerun(rec);
  write_manifest(false);
  overhead_s_ += std::max(clock() - began - c.wall_s, 0.0);
  ++overhead_samples_;
}

// One process replaces a flagged one: the re-run if it ran clean, else whichever of the two
// saw less of the other processes' CPU use.
void Driver::settle_rerun(ProcessRecord& rerun) {
  for (ProcessRecord& original : processes_) {
    if (original.file != rerun.rerun_of) continue;
    const bool keep_rerun = rerun.flags.empty() || rerun.interference.other_cpu_cores <=
                                                       original.interference.other_cpu_cores;
    ProcessRecord& dropped = keep_rerun ? original : rerun;
    const ProcessRecord& kept = keep_rerun ? rerun : original;
    dropped.kept = false;
    dropped.replaced_by = kept.file;
    original.replaced_by = rerun.file;
    return;
  }
}

void Driver::run_round(std::vector<Planned> round, int number) {
  last_round_ = number;
  seeded_shuffle(round, o_.seed, static_cast<std::uint64_t>(number));
  double round_left = 0;
  for (const Planned& p : round) round_left += p.predicted_s;
  std::size_t at = 0;
  for (const Planned& p : round) {
    ++at;
    round_left -= p.predicted_s;
    const double forecast = forecast_s(measured_, p.framework, forecast_kind(p), p.predicted_s);
    if (p.optional && forecast > left_s() - look_reserve()) {
      // A cheaper process later in the round may still fit.
      skipped_.push_back({p.framework, p.kind, p.rows.size(), number, forecast,
                          std::max(left_s() - look_reserve(), 0.0)});
      continue;
    }
    // The first round has no prediction to plan with: a budget spent before every framework
    // ran once stops the run here, not after the rest of the round.
    if (adaptive() && number == 1 && at > 1 && left_s() <= look_reserve()) {
      throw budget_too_small("the first processes of " + std::to_string(at - 1) + " of " +
                             std::to_string(round.size()) + " frameworks took " +
                             format_duration(clock() - start_));
    }
    run_process(p, forecast, number);
    report_progress(processes_.back(), at, round.size(), number, round_left);
  }
}

std::vector<const ProcessRecord*> Driver::kept(const std::string& framework) const {
  std::vector<const ProcessRecord*> out;
  for (const ProcessRecord& p : processes_) {
    if (p.framework == framework && p.kept && data_.contains(p.file)) out.push_back(&p);
  }
  return out;
}

std::vector<KeptProcess> Driver::kept_processes(const std::string& framework) const {
  std::vector<KeptProcess> out;
  for (const ProcessRecord* p : kept(framework)) {
    out.push_back({&data_.at(p->file), p->wall_s, p->rows.empty()});
  }
  return out;
}

FrameworkModel Driver::model_of(const std::string& framework) const {
  return framework_model(kept_processes(framework), o_.min_time_s, overhead_per_process());
}

double Driver::predict(const std::string& framework, const std::vector<std::string>& rows) const {
  return predict_process_s(model_of(framework), kept_processes(framework), rows, {kCalibrationRow},
                           overhead_per_process());
}

// Round 2 of the sample: the other full processes of every framework (without the second no
// row can be compared, without the third no geometric mean has a usable interval), then
// cold-start processes up to cold_starts per framework as the budget allows.
std::vector<Planned> Driver::sample_round_two() {
  std::vector<Planned> round;
  double mandatory = 0;
  for (const std::string& f : frameworks_) {
    const double s = predict(f, {});
    for (int k = 1; k < kSampleFullProcesses; ++k) {
      round.push_back({f, "full", {}, s, SIZE_MAX, false});
      mandatory += s;
    }
  }
  if (mandatory > left_s() - look_reserve()) {
    throw budget_too_small("the first took " + format_duration(clock() - start_) + ", the other " +
                           std::to_string(kSampleFullProcesses - 1) + " need ~" +
                           format_duration(mandatory) + " more");
  }
  double room = left_s() - look_reserve() - mandatory;
  // Round-robin over the frameworks, so a tight budget spreads its cold starts evenly.
  std::map<std::string, int> have;
  for (const std::string& f : frameworks_) {
    for (const ProcessRecord* p : kept(f)) {
      if (data_.at(p->file).rows.contains(kColdRow)) ++have[f];
    }
  }
  for (bool added = true; added;) {
    added = false;
    for (const std::string& f : frameworks_) {
      // The full processes of this round measure a cold start each too.
      if (have[f] == 0 || have[f] + kSampleFullProcesses - 1 >= o_.cold_starts) continue;
      const double s = predict(f, {kColdRow});
      if (s > room) continue;
      round.push_back({f, legion::bench::kColdStart, {kColdRow}, s, SIZE_MAX, true});
      room -= s;
      ++have[f];
      added = true;
    }
  }
  return round;
}

DriverError Driver::budget_too_small(const std::string& detail) const {
  return DriverError(
      "budget " + format_duration(o_.budget_s) + " is too small for one sample of every row (" +
      std::to_string(kSampleFullProcesses) + " full processes per framework): " + detail +
      "; raise --budget or narrow --framework/--scenario");
}

// A flagged process's re-run: the rows it ran, predicted as the processes kept so far.
Planned Driver::rerun_plan(std::size_t index) const {
  const ProcessRecord& p = processes_[index];
  return {p.framework, "rerun", p.rows, predict(p.framework, p.rows), index, true};
}

// A flagged full process never re-run, without which its framework would keep fewer than the
// sample's 3 unflagged full processes: its re-run is what the geometric means rest on, not an
// option the round may leave out.
bool Driver::needs_full_rerun(const ProcessRecord& p) const {
  if (p.flags.empty() || !p.kept || !p.rows.empty() || !p.rerun_of.empty() ||
      !p.replaced_by.empty()) {
    return false;
  }
  int clean = 0;
  for (const ProcessRecord* q : kept(p.framework)) {
    if (q != &p && q->rows.empty() && q->flags.empty()) ++clean;
  }
  return clean < kSampleFullProcesses;
}

std::vector<Planned> Driver::replication_round(int look_number) {
  double remaining = left_s() - look_reserve();
  if (remaining <= 0) return {};
  std::vector<Planned> round;
  // Full re-runs a framework needs come first and off the top, whatever the round's share; one
  // that cannot fit what is left waits for the end of the run (rerun_flagged_full).
  for (std::size_t i = 0; i < processes_.size(); ++i) {
    if (!needs_full_rerun(processes_[i])) continue;
    Planned r = rerun_plan(i);
    const double forecast = forecast_s(measured_, r.framework, forecast_kind(r), r.predicted_s);
    if (forecast > remaining) continue;
    remaining -= forecast;
    round.push_back(std::move(r));
  }
  const double allowance = remaining / static_cast<double>(looks_planned() - look_number + 1);
  double spent = 0;
  // The other flagged processes, once each, with at most half of the round.
  for (std::size_t i = 0; i < processes_.size(); ++i) {
    const ProcessRecord& p = processes_[i];
    if (p.flags.empty() || !p.kept || !p.rerun_of.empty() || !p.replaced_by.empty() ||
        needs_full_rerun(p)) {
      continue;
    }
    Planned r = rerun_plan(i);
    if (spent + r.predicted_s > allowance / 2) continue;
    spent += r.predicted_s;
    round.push_back(std::move(r));
  }
  PlanRequest request;
  request.baseline = o_.baseline;
  for (const std::string& f : frameworks_) request.frameworks[f] = model_of(f);
  request.rows = replication_targets(looks_.back().view, o_.baseline, o_.precision);
  request.always = {kCalibrationRow};
  request.allowance_s = allowance - spent;
  for (PlannedProcess& p : plan_round(request)) {
    round.push_back({p.framework, "rows", std::move(p.rows), p.predicted_s, SIZE_MAX, true});
  }
  return round;
}

// After the last look: the full re-runs needs_full_rerun() asks for, in a round of their own
// that feeds the last look again, each when its forecast fits what is left of the budget (else it
// is skipped and recorded as such). Returns how many ran.
std::size_t Driver::rerun_flagged_full() {
  std::vector<Planned> round;
  for (std::size_t i = 0; i < processes_.size(); ++i) {
    if (needs_full_rerun(processes_[i])) round.push_back(rerun_plan(i));
  }
  if (round.empty()) return 0;
  const std::size_t before = processes_.size();
  after_last_look_ = true;
  run_round(std::move(round), last_round_ + 1);
  after_last_look_ = false;
  return processes_.size() - before;
}

// Why flagged process `index` has no re-run left: it is one, its re-run was flagged too (the
// original kept over it), or no budget or look was left for one.
std::string Driver::why_not_rerun(std::size_t index) const {
  const ProcessRecord& p = processes_[index];
  if (!p.rerun_of.empty()) return "a re-run of " + p.rerun_of + ", flagged too: re-run once only";
  if (!p.replaced_by.empty()) {
    return "its re-run " + p.replaced_by + " was flagged too: re-run once only";
  }
  const Planned rerun = rerun_plan(index);
  const bool budget_left = forecast_s(measured_, p.framework, forecast_kind(rerun),
                                      rerun.predicted_s) <= left_s() - look_reserve();
  return std::string("not re-run: no ") + (budget_left ? "look" : "budget") + " left";
}

// A flagged process the run had no budget or look left to re-run leaves the comparison, as a
// re-run would have replaced it, unless its framework would keep too few full processes: 3 for
// a full one (the sample's, which the geometric means rest on: rerun_flagged_full() had no
// budget for its re-run, or the re-run was flagged too), 2 for any other (every row needs 2).
// Then it stays, says why, and the run is disturbed. A process is re-run once, so a flagged
// re-run (or the original kept over a re-run flagged too) has no re-run left either and leaves
// the same way: it is as suspect as any flagged process. Returns how many left.
std::size_t Driver::drop_flagged_not_rerun() {
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < processes_.size(); ++i) {
    ProcessRecord& p = processes_[i];
    if (p.flags.empty() || !p.kept) continue;
    int full_left = 0;
    for (const ProcessRecord* q : kept(p.framework)) {
      if (q != &p && q->rows.empty()) ++full_left;
    }
    const int needed = p.rows.empty() ? kSampleFullProcesses : kRowProcesses;
    if (full_left < needed) {
      p.kept_flagged =
          p.framework + " needs " + std::to_string(needed) + " full processes; " + why_not_rerun(i);
      continue;
    }
    p.dropped = p.flags.front() + "; " + why_not_rerun(i);
    p.kept = false;
    ++dropped;
  }
  return dropped;
}

// --- Looks ---------------------------------------------------------------------------------

void Driver::look(bool again) {
  const double began = clock();
  Look l;
  l.number = static_cast<int>(looks_.size()) + (again ? 0 : 1);
  fs::create_directories(o_.out_dir / "looks");
  // The look's own files stay: the run directory shows what the drop changed.
  const std::string stem = std::to_string(l.number) + (again ? "-without-dropped" : "");
  l.json_file = o_.out_dir / "looks" / (stem + ".json");
  l.text_file = o_.out_dir / "looks" / (stem + ".txt");
  const fs::path err = o_.out_dir / "looks" / (stem + ".err");
  // No --seed: the files carry theirs, and legion-compare/2 draws nothing at random.
  std::vector<std::string> args = {(o_.bin_dir / "legion-compare").string(), "--baseline",
                                   o_.baseline + transport_suffix(), "--json",
                                   l.json_file.string()};
  if (compare_has_looks_) {
    args.insert(args.end(), {"--looks", std::to_string(looks_planned()), "--precision",
                             fixed(o_.precision, 4)});
  }
  for (const std::string& f : frameworks_) {
    for (const ProcessRecord* p : kept(f)) args.push_back((o_.out_dir / p->file).string());
  }
  const ChildResult r = launcher_.run(args, l.text_file, err, 600);
  if (r.exit_status != 0) {
    throw DriverError("legion-compare failed at look " + std::to_string(l.number) + ": " +
                      last_line(err));
  }
  l.doc = json::parse(read_text(l.json_file), nullptr, false);
  if (l.doc.is_discarded()) throw DriverError(l.json_file.string() + ": not JSON");
  l.view = read_comparison(l.doc, o_.precision);
  strip_framework_suffix(l.view, transport_suffix());
  // A/A outliers: the gate names the processes whose calibration row stood out.
  for (const AaFramework& f : l.view.aa) {
    for (const std::string& file : f.outlying_processes) {
      const std::string name = fs::path(file).filename().string();
      for (ProcessRecord& p : processes_) {
        if (p.file != name) continue;
        const std::string flag = "A/A outlier (" + f.framework + " gate: " + f.state + ")";
        if (std::find(p.flags.begin(), p.flags.end(), flag) == p.flags.end()) {
          p.flags.push_back(flag);
        }
      }
    }
  }
  if (again) {
    looks_.back() = std::move(l);
  } else {
    looks_.push_back(std::move(l));
  }
  last_look_s_ = clock() - began;
  looks_s_ += last_look_s_;
  const PrecisionStatus status = precision_status(looks_.back().view);
  progress_ << "[bench] look " << looks_.size() << "/" << looks_planned()
            << (again ? " again, without the dropped processes" : "") << ": " << status.precise
            << "/" << status.total << " rows precise, A/A gate " << looks_.back().view.aa_status
            << ", widest " << status.widest_text() << "\n";
  write_manifest();
}

bool Driver::all_done() const {
  if (looks_.empty() || !targets_met(looks_.back().view, o_.baseline, o_.precision)) return false;
  // A flagged process not yet re-run is work left too.
  return std::none_of(processes_.begin(), processes_.end(), [](const ProcessRecord& p) {
    return !p.flags.empty() && p.kept && p.rerun_of.empty() && p.replaced_by.empty();
  });
}

// --- Output --------------------------------------------------------------------------------

// One line per process: the look it is for, the round, the framework and its kind, what it
// took, the run's time against the budget, the precision so far and the ETA.
void Driver::report_progress(const ProcessRecord& p, std::size_t at, std::size_t of, int round,
                             double round_left_s) {
  progress_ << "[bench] look " << look_of_round(round) << "/" << looks_planned() << " round "
            << round << " [" << at << "/" << of << "] " << p.framework << " " << p.kind << " ("
            << p.file << ", "
            << (p.rows.empty()
                    ? std::string("every row")
                    : std::to_string(p.rows.size()) + (p.rows.size() == 1 ? " row" : " rows"))
            << ") " << format_duration(p.wall_s)
            << (p.flags.empty() ? "" : " FLAGGED: " + p.flags.front()) << " | run "
            << format_duration(clock() - start_)
            << (adaptive() ? " of " + format_duration(o_.budget_s) : std::string(" (no budget)"))
            << " | ";
  if (const ComparisonView* view = last_view()) {
    const PrecisionStatus status = precision_status(*view);
    progress_ << status.precise << "/" << status.total << " rows precise, widest "
              << status.widest_text() << " | ";
  }
  // The run ends when the budget does, unless every row gets precise first.
  progress_ << "ETA: round ~" << format_duration(std::max(round_left_s, 0.0));
  if (adaptive()) progress_ << ", run <= " << format_duration(std::max(left_s(), 0.0));
  progress_ << "\n";
}

std::vector<std::string> Driver::summary_lines() const {
  RunFacts facts;
  facts.view = last_view();
  facts.processes = &processes_;
  facts.frameworks = frameworks_;
  facts.elapsed_s = clock() - start_;
  facts.budget_s = o_.budget_s;
  facts.precision = o_.precision;
  facts.looks_s = looks_s_;
  facts.looks_done = static_cast<int>(looks_.size());
  facts.looks_planned = looks_planned();
  facts.accept_disturbed = o_.accept_disturbed;
  facts.notes = notes_;
  facts.skipped = &skipped_;
  return run_summary(facts);
}

std::vector<std::string> Driver::write_summary(const std::string& first) const {
  std::vector<std::string> lines = summary_lines();
  if (!first.empty()) lines.insert(lines.begin(), first);
  const fs::path path = o_.out_dir / "summary.txt";
  std::ofstream file(path);
  for (const std::string& line : lines) file << line << "\n";
  file.flush();
  if (!file) throw DriverError(path.string() + ": cannot write");
  return lines;
}

json Driver::manifest() const {
  json processes = json::array();
  for (const ProcessRecord& p : processes_) processes.push_back(to_json(p));
  json looks = json::array();
  for (const Look& l : looks_) {
    looks.push_back({{"look", l.number},
                     {"file", fs::relative(l.json_file, o_.out_dir).string()},
                     {"text", fs::relative(l.text_file, o_.out_dir).string()},
                     {"aa_gate", l.view.aa_status}});
  }
  std::vector<double> calibrations;
  std::string commit;
  for (const ProcessRecord& p : processes_) {
    if (p.calibration_cpp_ns) calibrations.push_back(*p.calibration_cpp_ns);
    if (commit.empty() && data_.contains(p.file)) commit = data_.at(p.file).git_commit;
  }
  // Flat, one figure a key: start and end of the run (the driver's C++ loop, the CPython loop)
  // and the processes' own C++ figures.
  json calibration = json::object();
  for (const auto& [suffix, figures] :
       {std::pair{"", &calibration_start_}, std::pair{"_end", &calibration_end_}}) {
    if (!figures->is_object()) continue;
    for (const auto& [key, value] : figures->items()) calibration[key + suffix] = value;
  }
  if (!calibrations.empty()) {
    calibration["processes_cpp_ns_min"] =
        *std::min_element(calibrations.begin(), calibrations.end());
    calibration["processes_cpp_ns_median"] = median(calibrations);
    calibration["processes_cpp_ns_max"] =
        *std::max_element(calibrations.begin(), calibrations.end());
  }
  json aa = nullptr;
  if (!looks_.empty() && looks_.back().doc.contains("summary") &&
      looks_.back().doc["summary"].is_object() &&
      looks_.back().doc["summary"].contains("aa_gate")) {
    aa = looks_.back().doc["summary"]["aa_gate"];
  }
  json disturbed_processes = json::array();
  json dropped_processes = json::array();
  for (const ProcessRecord& p : processes_) {
    if (p.kept && !p.flags.empty()) disturbed_processes.push_back(p.file);
    if (!p.dropped.empty()) dropped_processes.push_back({{"file", p.file}, {"reason", p.dropped}});
  }
  json skipped = json::array();
  for (const SkippedProcess& s : skipped_) skipped.push_back(to_json(s));
  return {{"schema", "legion-run/1"},
          {"status", status_},
          {"command", o_.command_line},
          {"started", started_utc_},
          {"wall_s", clock() - start_},
          {"seed", o_.seed},
          {"budget", format_duration(o_.budget_s)},
          {"budget_s", o_.budget_s},
          {"precision", o_.precision},
          {"looks_planned", looks_planned()},
          {"mode", o_.smoke             ? "smoke"
                   : o_.fixed_processes ? "fixed"
                                        : "adaptive"},
          {"cold_starts", o_.cold_starts},
          {"repetitions", o_.repetitions},
          {"min_time_s", o_.smoke ? 0.001 : o_.min_time_s},
          {"scenario", o_.scenario.empty() ? json(nullptr) : json(o_.scenario)},
          {"model_latency", o_.model_latency.empty() ? json("none") : json(o_.model_latency)},
          {"baseline", o_.baseline},
          {"transport", o_.transport},
          {"frameworks", frameworks_},
          {"commit", commit.empty() ? json(nullptr) : json(commit)},
          {"machine", legion::bench::to_json(legion::bench::read_machine())},
          {"calibration", calibration},
          {"interference_limits",
           {{"other_cpu_cores", o_.limits.other_cpu_cores},
            {"steal", o_.limits.steal},
            {"min_wall_s", o_.limits.min_wall_s}}},
          {"processes", processes},
          {"looks", looks},
          {"quality",
           {{"disturbed", disturbed()},
            {"accepted", o_.accept_disturbed},
            {"aa_gate", aa},
            {"disturbed_processes", disturbed_processes},
            {"dropped_processes", dropped_processes}}},
          {"skipped", skipped},
          {"notes", notes_}};
}

int Driver::run() {
  start_ = clock();
  deadline_ = start_ + o_.budget_s;
  started_utc_ = utc_now();
  if (fs::exists(o_.out_dir / "run.json")) {
    throw DriverError(o_.out_dir.string() +
                      " already holds a run (run.json): give a new directory");
  }
  fs::create_directories(o_.out_dir);
  owns_out_dir_ = true;
  list_frameworks();
  probe_compare();
  calibration_start_ = calibrate();
  write_manifest();

  if (o_.smoke || o_.fixed_processes) {
    const int n = o_.fixed_processes.value_or(2);
    std::vector<Planned> round;
    for (const std::string& f : frameworks_) {
      for (int k = 0; k < n; ++k) round.push_back({f, "full", {}, 0, SIZE_MAX, false});
    }
    run_round(round, 1);
    look();
  } else {
    std::vector<Planned> first;
    for (const std::string& f : frameworks_) first.push_back({f, "full", {}, 0, SIZE_MAX, false});
    run_round(first, 1);
    run_round(sample_round_two(), 2);
    look();
    for (int k = 2; k <= looks_planned() && !all_done(); ++k) {
      std::vector<Planned> round = replication_round(k);
      if (round.empty()) break;
      run_round(round, k + 1);
      look();
    }
    const std::size_t reruns = rerun_flagged_full();
    if (drop_flagged_not_rerun() + reruns > 0) look(true);
  }
  calibration_end_ = calibrate();

  // The last look is the run's comparison; its text opens with the run's own summary.
  const Look& last = looks_.back();
  fs::copy_file(last.json_file, o_.out_dir / "comparison.json",
                fs::copy_options::overwrite_existing);
  const std::vector<std::string> summary = write_summary();
  std::ostringstream text;
  text << "== run (run.json) ==\n";
  for (const std::string& line : summary) text << line << "\n";
  text << "\n" << read_text(last.text_file);
  {
    std::ofstream file(o_.out_dir / "comparison.txt");
    file << text.str();
    if (!file) throw DriverError((o_.out_dir / "comparison.txt").string() + ": cannot write");
  }
  out_ << text.str();
  int status = 0;
  for (const ProcessRecord& p : processes_) {
    if (p.kept && p.exit_status == 1) status = 1;
  }
  if (disturbed() && !o_.accept_disturbed) status = 3;
  status_ = status == 3 ? "disturbed" : status == 1 ? "validation failed" : "done";
  write_manifest();
  return status;
}

}  // namespace

std::string rows_filter(const std::vector<std::string>& rows) {
  static const std::string special = R"(.^$|()[]{}*+?\)";
  std::string out = "^(";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += '|';
    for (const char c : rows[i]) {
      if (special.find(c) != std::string::npos) out += '\\';
      out += c;
    }
  }
  return out + ")(/|$)";
}

int run_driver(const DriverOptions& options, Launcher& launcher, std::ostream& out,
               std::ostream& progress) {
  Driver driver(options, launcher, out, progress);
  try {
    return driver.run();
  } catch (const DriverError& error) {
    driver.fail(error.what());
    throw;
  }
}

}  // namespace legion::driver
