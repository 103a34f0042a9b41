// legion-e2e: the end-to-end cycle test (docs/validation.md, "End to end"). Everything goes
// through the `legion` executable, as an operator would use it:
//
//   one long-lived worker runs for the whole test; then, per cycle,
//     submit K tasks (`legion submit --workflow SPEC --inputs`: workflow tasks; without
//     --workflow, tasks of the worker's built-in handler, `--test-handler`, that sleep
//     --task-sleep-ms), start a second worker, SIGKILL it at a seeded moment
//     (it may hold leases then), restart one (`legion worker --drain`: it exits once every
//     task, the killed worker's included after their leases expire, is done), verify the
//     ledger (`legion verify`) and export the store (`legion export`), checking the export;
//     sample the long-lived worker's RSS and open file descriptors (/proc), and what SQLite and
//     malloc hold in it (its /metrics: legion_sqlite_memory_bytes, legion_process_heap_bytes).
//
// After the last cycle the long-lived worker is stopped (SIGTERM), the ledger must be clean
// (every task done exactly once, nothing lost, duplicated or unexpected) and three trends are
// judged with the statistics module's Theil-Sen slope and its 95% interval (Sen), as
// legion-stress judges leaks: the upper bound of the slope of RSS net of SQLite's memory (KB
// per cycle; SQLite's page caches fill as the store grows, which is not a leak: legion-stress
// nets them out the same way, docs/stress.md "Resource monitor"), of open fds (per cycle) and
// of the cycle's time (ms per cycle; the budget: growing by half the median cycle over the
// whole run) must lie under a budget. The cycle's time judged is the workers' part, submit
// to drained (`work_ms`); `legion verify` and `legion export` read the whole store, so they
// grow with it by nature (O(n) per cycle): the test's own audit is timed apart
// (`verify_export_ms`) and its trend reported, not judged. CPU times (the commands' and
// workers' a cycle reaps, the long-lived worker's) and the load average are recorded per
// cycle, so a slower machine can be told from a slower product. Raw RSS and the heap are
// reported, not judged. The first 10% of the cycles are warm-up and not fitted.
//
// Writes OUT/cycles.jsonl as it goes (one row per finished cycle, flushed), OUT/e2e.json
// (settings, rows, trends, verdicts; "status": "running" until the end) and the workers'
// logs under OUT/logs/. SIGINT or SIGTERM stops it after the current cycle (a signal to the
// whole process group stops the workers too: the cycle under way is dropped): the remaining
// steps run on the cycles done and e2e.json says `interrupted`. Exit status: 0 every verdict
// passed, 1 a verdict failed or the run was interrupted, 2 bad usage or a failure to run (a
// command that should have worked did not).
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "stats/trend.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Settings {
  std::string legion;
  fs::path out;
  int cycles = 1000;
  int tasks = 4;
  std::uint64_t seed = 42;
  int head_start_ms = 30;
  int kill_max_ms = 30;
  int lease_ms = 100;
  int task_sleep_ms = 10;
  int leak_kb_per_task = 0;  // a planted leak in the handler tasks (the leak test)
  double leak_kb_per_cycle = 4.0;
  double fds_per_cycle = 0.01;
  double degradation = 0.5;  // growth of the cycle time over the run, of the median cycle
  std::vector<std::string> worker_args;  // extra arguments of every `legion worker`
  std::string workflow;  // a spec: workflow tasks (`submit --workflow`); empty: handler tasks
  std::string command;   // as invoked, for the record
};

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

double load_1min() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  in >> one;
  return one;
}

// Set by SIGINT/SIGTERM: the run stops after the current cycle and still reports.
volatile std::sig_atomic_t stop_requested = 0;
extern "C" void request_stop(int) {
  stop_requested = 1;
}

// CPU time (user + system, ms) of the children reaped so far: the commands and workers the
// cycles started and waited for.
double reaped_cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + t.tv_usec / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

// CPU time (user + system, ms; clock-tick resolution) of a live process, from /proc.
double process_cpu_ms(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto name_end = text.rfind(')');  // the command name may hold spaces
  if (name_end == std::string::npos) throw Failure("no /proc stat for the long-lived worker");
  std::istringstream fields(text.substr(name_end + 1));
  std::string skip;
  for (int field = 3; field < 14; ++field) fields >> skip;  // state .. cmajflt
  long utime = 0, stime = 0;
  if (!(fields >> utime >> stime)) throw Failure("unreadable /proc stat of the long-lived worker");
  return static_cast<double>(utime + stime) * 1e3 / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A child process with stdout and stderr appended to a log file.
class Child {
 public:
  Child(const std::vector<std::string>& args, const fs::path& log) {
    pid_ = fork();
    if (pid_ < 0) throw Failure("fork failed");
    if (pid_ == 0) {
      const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
      if (fd >= 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
      }
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  void signal(int sig) const { ::kill(pid_, sig); }
  // The exit status (128 + signal when a signal ended it); Failure after `timeout`.
  int wait(std::chrono::milliseconds timeout, const std::string& what) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      if (Clock::now() > deadline) throw Failure(what + ": no exit within the timeout");
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

 private:
  pid_t pid_ = -1;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `legion ARGS` to completion; its stdout+stderr, Failure unless it exits `expect` (or
// `also`, when not -1).
std::string legion(const Settings& s, std::vector<std::string> args, const std::string& what,
                   int expect = 0, int also = -1) {
  const fs::path log = s.out / "logs" / "command.log";
  fs::remove(log);
  args.insert(args.begin(), s.legion);
  Child child(args, log);
  const int status = child.wait(std::chrono::seconds(120), what);
  std::string text = read_file(log);
  if (status != expect && status != also) {
    throw Failure(what + ": exit " + std::to_string(status) + " (expected " +
                  std::to_string(expect) + "): " + text.substr(0, 400));
  }
  return text;
}

std::vector<std::string> worker_args(const Settings& s, const std::string& url,
                                     const std::string& id, bool drain, bool metrics = false) {
  std::vector<std::string> args{s.legion,  "worker", "--store",    url,
                                "--id",    id,       "--lease-ms", std::to_string(s.lease_ms),
                                "--batch", "2"};
  if (metrics) args.insert(args.end(), {"--metrics-addr", "127.0.0.1:0"});  // port: in its log
  if (drain) {
    args.push_back("--drain");
    args.insert(args.end(), {"--give-up-ms", "60000"});
  }
  if (s.workflow.empty()) args.push_back("--test-handler");  // tasks of the built-in handler
  args.insert(args.end(), s.worker_args.begin(), s.worker_args.end());
  return args;
}

long rss_kb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  throw Failure("no VmRSS for the long-lived worker (did it exit?)");
}

long open_fds(pid_t pid) {
  std::error_code ec;
  long n = 0;
  for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++n;
  }
  if (ec) throw Failure("cannot list the long-lived worker's fds: " + ec.message());
  return n;
}

// The port of the worker's metrics endpoint, from its `metrics_listening` log line.
int metrics_port(const fs::path& log) {
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Clock::now() < deadline) {
    std::istringstream lines(read_file(log));
    for (std::string line; std::getline(lines, line);) {
      const json event = json::parse(line, nullptr, false);
      if (event.is_object() && event.value("event", "") == "metrics_listening") {
        const std::string addr = event.value("addr", "");
        return std::stoi(addr.substr(addr.rfind(':') + 1));
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw Failure("the long-lived worker logged no metrics_listening line in 30 s");
}

// What the process holds besides live objects of its own: SQLite's memory (page caches) and
// malloc's in-use bytes, in KB, from the worker's exposition.
struct Held {
  double cache_kb = 0, heap_kb = 0;
};

Held scrape(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(std::chrono::seconds(30));
  const auto response = client.Get("/metrics");
  if (!response || response->status != 200)
    throw Failure("the long-lived worker's /metrics failed");
  auto gauge = [&](const std::string& name) {
    const auto at = response->body.find("\n" + name + " ");
    if (at == std::string::npos) throw Failure("/metrics has no " + name);
    const double value = std::strtod(response->body.c_str() + at + name.size() + 2, nullptr);
    if (!std::isfinite(value)) throw Failure(name + " is not a number: cannot net it out");
    return value / 1024;
  };
  return {gauge("legion_sqlite_memory_bytes"), gauge("legion_process_heap_bytes")};
}

struct Judged {
  json trend;
  bool pass = false;
};

// The Theil-Sen slope of y over the cycles after warm-up, judged on its upper 95% bound.
Judged judge(const std::string& name, const std::vector<double>& y, double budget,
             const std::string& unit) {
  const std::size_t skip = y.size() / 10;
  std::vector<double> x, v;
  for (std::size_t i = skip; i < y.size(); ++i) {
    x.push_back(static_cast<double>(i));
    v.push_back(y[i]);
  }
  Judged out;
  if (v.size() < 3) {
    out.trend = {{"name", name}, {"judged", false}, {"note", "fewer than 3 cycles after warm-up"}};
    out.pass = false;
    return out;
  }
  const auto fit = stats::theil_sen(x, v);
  // A negative budget: measured and reported, not judged (--no-leak-verdict).
  out.pass = budget < 0 || fit.slope_interval.upper <= budget;
  out.trend = {{"name", name},
               {"judged", budget >= 0},
               {"unit", unit},
               {"points", v.size()},
               {"slope", fit.slope},
               {"lower", fit.slope_interval.lower},
               {"upper", fit.slope_interval.upper},
               {"mann_kendall_p", stats::mann_kendall(v).p_value},
               {"budget", budget},
               {"pass", out.pass}};
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int run(const Settings& s) {
  fs::remove_all(s.out / "logs");  // the logs are this run's alone
  fs::create_directories(s.out / "logs");
  const std::string url = "sqlite://" + (s.out / "e2e.db").string();
  for (const char* suffix : {"", "-wal", "-shm"})
    fs::remove(s.out / ("e2e.db" + std::string(suffix)));
  std::mt19937_64 random(s.seed);
  std::uniform_int_distribution<int> kill_after(0, s.kill_max_ms);

  // The long-lived worker needs a store to open: the first submit creates it.
  const fs::path tasks_file = s.out / "tasks.jsonl";
  auto submit = [&](int cycle) {
    std::ofstream tasks(tasks_file, std::ios::trunc);
    for (int i = 0; i < s.tasks; ++i) {
      const std::string key = "c" + std::to_string(cycle) + "-" + std::to_string(i);
      json line = {{"key", key}};
      if (s.workflow.empty()) {
        line["payload"] = {{"sleep_ms", s.task_sleep_ms}, {"cycle", cycle}};
        if (s.leak_kb_per_task > 0) line["payload"]["leak_kb"] = s.leak_kb_per_task;
      } else {
        line["input"] = "cycle " + std::to_string(cycle) + " task " + std::to_string(i);
      }
      tasks << line.dump() << "\n";
    }
    tasks.close();
    if (s.workflow.empty()) {
      legion(s, {"submit", "--store", url, "--file", tasks_file.string()}, "submit");
    } else {
      legion(s,
             {"submit", "--store", url, "--workflow", s.workflow, "--inputs", tasks_file.string()},
             "submit");
    }
  };
  submit(0);
  Child long_lived(worker_args(s, url, "long-lived", false, true),
                   s.out / "logs" / "long-lived.log");
  const int port = metrics_port(s.out / "logs" / "long-lived.log");

  const std::string load_before = load_average();
  // The record so far: if the run dies, e2e.json says it was running and cycles.jsonl holds
  // every finished cycle.
  json report = {{"schema", "legion-e2e/1"},
                 {"command", s.command},
                 {"status", "running"},
                 {"load_before", load_before},
                 {"settings",
                  {{"cycles", s.cycles},
                   {"tasks_per_cycle", s.tasks},
                   {"seed", s.seed},
                   {"head_start_ms", s.head_start_ms},
                   {"kill_max_ms", s.kill_max_ms},
                   {"leak_kb_per_cycle", s.leak_kb_per_cycle},
                   {"fds_per_cycle", s.fds_per_cycle},
                   {"degradation", s.degradation},
                   {"lease_ms", s.lease_ms},
                   {"task_sleep_ms", s.task_sleep_ms},
                   {"leak_kb_per_task", s.leak_kb_per_task},
                   {"worker_args", s.worker_args},
                   {"workflow", s.workflow}}},
                 {"cycles_file", "cycles.jsonl"}};
  std::ofstream(s.out / "e2e.json") << report.dump(1) << "\n";
  std::ofstream rows_file(s.out / "cycles.jsonl", std::ios::trunc);

  json rows = json::array();
  std::vector<double> rss, net, cache, heap, fds, work_ms, check_ms, work_cpu, check_cpu,
      long_lived_cpu;
  int cycles_taken_over = 0;
  const auto started = Clock::now();
  double long_lived_cpu_before = process_cpu_ms(long_lived.pid());
  for (int cycle = 0; cycle < s.cycles && !stop_requested; ++cycle) {
    try {
      const auto t0 = Clock::now();
      const double cpu0 = reaped_cpu_ms();
      const int delay = kill_after(random);
      {
        // The victim gets a head start so that it is idle, polling, when the tasks arrive and
        // takes its share of them (not guaranteed: `taken_over` records what it held).
        Child victim(worker_args(s, url, "victim-" + std::to_string(cycle), false),
                     s.out / "logs" / "victims.log");
        std::this_thread::sleep_for(std::chrono::milliseconds(s.head_start_ms));
        if (cycle > 0) submit(cycle);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay));
        victim.signal(SIGKILL);
        victim.wait(std::chrono::seconds(30), "killed worker");
      }
      Child restarted(worker_args(s, url, "restart-" + std::to_string(cycle), true),
                      s.out / "logs" / "restarts.log");
      const int drained = restarted.wait(std::chrono::seconds(120), "restarted worker");
      if (drained != 0) throw Failure("restarted worker: exit " + std::to_string(drained));
      const auto t1 = Clock::now();
      const double cpu1 = reaped_cpu_ms();
      const json ledger = json::parse(legion(s, {"verify", "--store", url}, "verify"));
      const fs::path export_file = s.out / "export.json";
      legion(s, {"export", "--store", url, "--out", export_file.string()}, "export");
      const json exported = json::parse(read_file(export_file));
      const auto expected = static_cast<std::size_t>(cycle + 1) * static_cast<std::size_t>(s.tasks);
      const auto& tasks = exported.at("tasks");
      const bool all_done = std::all_of(tasks.begin(), tasks.end(), [](const json& t) {
        return t.at("state") == "done" && t.at("result").is_object();
      });
      // This cycle's tasks that needed a second attempt: the killed worker held their lease.
      const std::string prefix = "c" + std::to_string(cycle) + "-";
      const auto taken_over = std::count_if(tasks.begin(), tasks.end(), [&](const json& t) {
        return t.at("key").get<std::string>().rfind(prefix, 0) == 0 &&
               t.at("attempts").get<int>() > 1;
      });
      cycles_taken_over += taken_over > 0 ? 1 : 0;
      if (!ledger.at("ok").get<bool>() || tasks.size() != expected || !all_done ||
          exported.at("ledger") != ledger) {
        throw Failure("cycle " + std::to_string(cycle) + ": ledger or export not clean: " +
                      ledger.dump() + ", " + std::to_string(tasks.size()) + " tasks exported of " +
                      std::to_string(expected) + (all_done ? "" : ", not all done with a result"));
      }
      const auto t2 = Clock::now();
      const double cpu2 = reaped_cpu_ms();
      const double work = std::chrono::duration<double, std::milli>(t1 - t0).count();
      const double check = std::chrono::duration<double, std::milli>(t2 - t1).count();
      rss.push_back(static_cast<double>(rss_kb(long_lived.pid())));
      const Held held = scrape(port);
      cache.push_back(held.cache_kb);
      heap.push_back(held.heap_kb);
      net.push_back(rss.back() - std::max(0.0, held.cache_kb));  // as legion-stress nets it
      fds.push_back(static_cast<double>(open_fds(long_lived.pid())));
      const double long_lived_cpu_now = process_cpu_ms(long_lived.pid());
      work_ms.push_back(work);
      check_ms.push_back(check);
      work_cpu.push_back(cpu1 - cpu0);
      check_cpu.push_back(cpu2 - cpu1);
      long_lived_cpu.push_back(long_lived_cpu_now - long_lived_cpu_before);
      long_lived_cpu_before = long_lived_cpu_now;
      rows.push_back({{"cycle", cycle},
                      {"t_s", std::chrono::duration<double>(Clock::now() - started).count()},
                      {"load1", load_1min()},
                      {"kill_after_ms", delay},
                      {"taken_over", taken_over},
                      {"work_ms", work},
                      {"verify_export_ms", check},
                      {"work_cpu_ms", work_cpu.back()},
                      {"verify_export_cpu_ms", check_cpu.back()},
                      {"long_lived_cpu_ms", long_lived_cpu.back()},
                      {"rss_kb", rss.back()},
                      {"cache_kb", cache.back()},
                      {"heap_kb", heap.back()},
                      {"rss_net_of_cache_kb", net.back()},
                      {"open_fds", fds.back()}});
      rows_file << rows.back().dump() << "\n" << std::flush;
    } catch (const Failure&) {
      // A signal to the whole process group (Ctrl-C in a terminal) stops the workers too, so
      // the cycle under way fails: it is dropped, and the run ends as interrupted.
      if (stop_requested) break;
      throw;
    }
  }
  const double total_s = std::chrono::duration<double>(Clock::now() - started).count();
  const int cycles_done = static_cast<int>(rows.size());
  const bool interrupted = cycles_done < s.cycles;

  long_lived.signal(SIGTERM);
  const int stopped = long_lived.wait(std::chrono::seconds(60), "long-lived worker");
  // The cycle a group signal cut may leave tasks pending, which verify counts as lost (exit
  // 1): an interrupted run reports that ledger (it is no pass either way) instead of dying
  // without its report.
  const json final_ledger =
      json::parse(legion(s, {"verify", "--store", url}, "final verify", 0, interrupted ? 1 : -1));

  const double median_ms = work_ms.empty() ? 0.0 : median(work_ms);
  std::vector<Judged> judged{
      judge("rss_net_of_cache", net, s.leak_kb_per_cycle, "KB per cycle"),
      judge("rss", rss, -1, "KB per cycle"), judge("cache", cache, -1, "KB per cycle"),
      judge("heap", heap, -1, "KB per cycle"),
      judge("open_fds", fds, s.fds_per_cycle, "fds per cycle"),
      judge("cycle_time", work_ms, s.degradation * median_ms / std::max(cycles_done, 1),
            "ms per cycle"),
      // Reported, not judged: the test's own O(n) audit, and the CPU times that tell a
      // slower product from a busier machine.
      judge("verify_export_time", check_ms, -1, "ms per cycle"),
      judge("work_cpu", work_cpu, -1, "ms per cycle"),
      judge("verify_export_cpu", check_cpu, -1, "ms per cycle"),
      judge("long_lived_cpu", long_lived_cpu, -1, "ms per cycle")};
  bool pass = !interrupted && stopped == 0 && final_ledger.at("ok").get<bool>() &&
              final_ledger.at("done").get<long>() == static_cast<long>(cycles_done) * s.tasks;
  json trends = json::array();
  for (const auto& j : judged) {
    trends.push_back(j.trend);
    pass = pass && j.pass;
  }
  report["status"] = interrupted ? "interrupted" : "finished";
  report["interrupted"] = interrupted;
  report["cycles_done"] = cycles_done;
  report["load_after"] = load_average();
  report["total_s"] = total_s;
  report["median_cycle_ms"] = median_ms;
  report["median_verify_export_ms"] = check_ms.empty() ? 0.0 : median(check_ms);
  report["cycles_with_tasks_taken_over"] = cycles_taken_over;
  report["long_lived_worker_exit"] = stopped;
  report["final_ledger"] = final_ledger;
  report["trends"] = trends;
  report["pass"] = pass;
  report["cycles"] = rows;
  std::ofstream(s.out / "e2e.json") << report.dump(1) << "\n";

  if (interrupted) {
    std::cout << "legion-e2e: interrupted after " << cycles_done << " of " << s.cycles
              << " cycles\n";
  }
  std::cout << "legion-e2e: " << cycles_done << " cycles of " << s.tasks << " tasks in " << total_s
            << " s (median cycle " << median_ms << " ms); in " << cycles_taken_over
            << " cycles the killed worker held tasks; ledger " << final_ledger.dump()
            << "; long-lived worker exit " << stopped << "\n";
  for (const auto& j : judged) {
    const auto& t = j.trend;
    if (!t.value("judged", true) && !t.contains("slope")) {
      std::cout << "  " << t["name"].get<std::string>() << ": not judged: " << t["note"] << "\n";
      continue;
    }
    std::cout << "  " << t["name"].get<std::string>() << ": slope " << t["slope"].get<double>()
              << " [" << t["lower"].get<double>() << ", " << t["upper"].get<double>() << "] "
              << t["unit"].get<std::string>() << ", budget " << t["budget"].get<double>() << ": "
              << (!t.value("judged", true) ? "not judged"
                  : j.pass                 ? "pass"
                                           : "FAIL")
              << "\n";
  }
  std::cout << (pass ? "pass" : "FAIL") << " (" << (s.out / "e2e.json").string() << ")\n";
  return pass ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("legion-e2e: the end-to-end cycle test over the `legion` executable");
  Settings s;
  std::string out;
  app.add_option("--legion", s.legion, "the legion executable")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--out", out, "directory for e2e.json, the store and the logs")->required();
  app.add_option("--cycles", s.cycles, "cycles")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--tasks", s.tasks, "tasks per cycle")
      ->check(CLI::Range(1, 10'000))
      ->capture_default_str();
  app.add_option("--seed", s.seed, "seed of the kill moments")->capture_default_str();
  app.add_option("--head-start-ms", s.head_start_ms,
                 "the killed worker starts this long before the submit")
      ->check(CLI::Range(0, 60'000))
      ->capture_default_str();
  app.add_option("--kill-max-ms", s.kill_max_ms,
                 "the killed worker lives 0..this ms after the submit")
      ->check(CLI::Range(0, 60'000))
      ->capture_default_str();
  app.add_option("--lease-ms", s.lease_ms, "workers' lease")
      ->check(CLI::Range(100, 60'000))
      ->capture_default_str();
  app.add_option("--task-sleep-ms", s.task_sleep_ms, "each task's handler time")
      ->check(CLI::Range(0, 10'000))
      ->capture_default_str();
  app.add_option("--leak-kb-per-cycle", s.leak_kb_per_cycle,
                 "slope budget of RSS net of SQLite's memory")
      ->capture_default_str();
  app.add_option("--fds-per-cycle", s.fds_per_cycle, "open-fd slope budget")->capture_default_str();
  app.add_option("--degradation", s.degradation,
                 "cycle-time slope budget: the growth over the whole run it may reach, as a "
                 "fraction of the median cycle")
      ->capture_default_str();
  app.add_flag_function(
      "--no-leak-verdict", [&s](std::int64_t) { s.leak_kb_per_cycle = -1; },
      "report the memory trends without judging them");
  app.add_option("--worker-arg", s.worker_args, "an extra argument of every `legion worker`");
  auto* workflow = app.add_option("--workflow", s.workflow,
                                  "submit workflow tasks of this spec (`legion submit "
                                  "--workflow`); default: tasks of the worker's built-in "
                                  "handler (payload sleep_ms)")
                       ->check(CLI::ExistingFile);
  app.add_option("--leak-kb-per-task", s.leak_kb_per_task,
                 "plant a leak: each handler task keeps this many KB for good (payload "
                 "leak_kb; the test that the leak verdict fails on one)")
      ->check(CLI::Range(0, 1'000'000))
      ->excludes(workflow)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  s.out = out;
  for (int i = 0; i < argc; ++i) s.command += (i ? " " : "") + std::string(argv[i]);
  struct sigaction on_stop {};
  on_stop.sa_handler = request_stop;
  on_stop.sa_flags = SA_RESTART;
  sigemptyset(&on_stop.sa_mask);
  sigaction(SIGINT, &on_stop, nullptr);
  sigaction(SIGTERM, &on_stop, nullptr);
  try {
    return run(s);
  } catch (const std::exception& e) {
    std::cerr << "legion-e2e: error: " << e.what() << "\n";
    return 2;
  }
}
