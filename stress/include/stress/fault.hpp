#pragma once
// A fault injector: one kind of failure the stress runner can inflict on a running scenario
// (stress/src/faults/, one file per injector). The runner calls it at the moments the seeded
// schedule fixed: prepare() before the workers start (set up what the fault needs: a proxy in
// front of the database, network namespaces, a memory limit, a small file system), inject()
// and heal() for each scheduled fault, finish() once the workers stopped (checks of the state
// left behind), describe() for the result. A capability the machine lacks (no root, no
// netns, no toxiproxy-server) is an EnvironmentMissing naming it: the scenario gets an
// `environment` verdict, never a pass.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "legion/error.hpp"
#include "stress/config.hpp"
#include "stress/fault_events.hpp"
#include "stress/fault_schedule.hpp"
#include "stress/task_faults.hpp"
#include "stress/workers.hpp"

namespace stress {

class EnvironmentMissing : public legion::Error {
 public:
  using legion::Error::Error;
};

// A check of the state a fault left behind (integrity_check, ...): a verdict of the run.
struct FaultCheck {
  std::string name;
  bool pass = false;
  std::string detail;
};

// What the injectors act on and adjust. Filled by the workload; prepare() may change the
// "set by prepare" fields before the store URL is built and the workers start.
struct FaultContext {
  FaultContext(const ScenarioConfig& c, std::uint64_t s, std::filesystem::path work,
               std::string server, FaultEvents& e, TaskFaults& t)
      : config(c),
        seed(s),
        work_dir(std::move(work)),
        pg_url(std::move(server)),
        events(e),
        tasks(t) {}

  const ScenarioConfig& config;
  std::uint64_t seed = 0;
  std::filesystem::path work_dir;  // scratch space of this run under --out
  std::string pg_url;              // the server's own URL (postgresql)
  FaultEvents& events;
  TaskFaults& tasks;

  // Set by prepare():
  std::filesystem::path sqlite_dir;        // where the SQLite store goes (disk_full: a small fs)
  std::string sqlite_vfs;                  // a SQLite VFS every connection of the run opens with
  std::string client_address;              // host:port the clients use instead of the server's
  std::vector<std::string> client_params;  // extra store-URL parameters of the clients
  WorkerLaunch launch;                     // hooks into the worker processes
  // The tasks carry faults in their payload (fail_times, sleep_ms, leak_kb) that only the
  // built-in handler of `legion worker --test-handler` reads: worker processes run it, on its
  // payloads, instead of the workflow handler (threads apply the fields in-process).
  bool test_handler = false;

  // Set by the workload once the workers run:
  WorkerProcesses* processes = nullptr;
  WorkerThreads* threads = nullptr;
  std::string store_url;   // as the harness (not the faulty path) reaches the store
  std::string client_url;  // as the submitter and the workers reach it

  std::vector<FaultCheck> checks;  // added by finish()
};

// `url` (postgresql://user@host:port/db?...) with its host:port replaced by `address`.
std::string with_address(const std::string& url, const std::string& address);

class FaultInjector {
 public:
  virtual ~FaultInjector() = default;
  virtual const char* name() const = 0;
  virtual void prepare(FaultContext&) {}
  // Before the run: the fault may reshape the load (overload raises the arrival rate).
  virtual void shape_load(ScenarioConfig&, const ScheduledFault&) {}
  virtual void inject(FaultContext& context, const ScheduledFault& fault) = 0;
  virtual void heal(FaultContext& context, const ScheduledFault& fault) = 0;
  // After the workers stopped and before the audit reads the store; adds to `report`.
  virtual void finish(FaultContext&, nlohmann::json&) {}
  // What it did and how (method, limits, addresses), for the result.
  virtual nlohmann::json describe() const = 0;
};

// The injector that handles fault `type` (several types may share one, e.g. toxiproxy's).
std::unique_ptr<FaultInjector> make_injector(const std::string& type);
// Its name, so a scenario makes one injector per name.
std::string injector_name(const std::string& type);

}  // namespace stress
