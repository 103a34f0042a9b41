#pragma once
// What every industry benchmark runs: classes of work, each a harness scenario built in code
// (the one Scenario type) plus the tools it needs and how its answer is judged, prepared once
// per worker ("slot") on the framework's own adapter and run once per job. The job's data
// (an order number, a document) reaches the framework through its tools, which read the
// slot's current job: a framework that prepares its agents once (every Python adapter) runs
// every job without being rebuilt, and every framework does the same work per job.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "adapter.hpp"
#include "legion/latency.hpp"
#include "legion/tool.hpp"

namespace industry {

using Json = nlohmann::json;

// Bad input (unknown framework, class, suite; a malformed flag value): exit 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The framework cannot run this benchmark: reported as "unsupported: reason", never faked.
class Unsupported : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Job {
  std::uint64_t id = 0;
  Json params;
};

// The job a slot is running; its tools read it (from whichever thread the framework calls
// them on).
class JobContext {
 public:
  void set(Job job);
  Job get() const;
  Json param(const char* name) const;  // throws legion::Error when absent

 private:
  mutable std::mutex mutex_;
  Job job_;
};

struct WorkClass {
  std::string name;
  legion::adapters::Scenario scenario;
  // The extra tools (RunConfig::extra_tools) of one slot, bound to its context.
  std::function<std::vector<legion::Tool>(JobContext&)> tools;
  // "" when `answer` is right for `job`, else why not (one line).
  std::function<std::string(const Job&, const std::string& answer)> check;
};

struct RunSettings {
  std::string framework;
  std::uint64_t seed = 42;
  legion::LatencyModel latency;
};

// The adapter for `framework`, started: UsageError for an unknown name (the message lists the
// known ones), UsageError too when it is not installed (the message says how to install).
std::unique_ptr<legion::adapters::Adapter> start_adapter(const std::string& framework);

// One worker's prepared adapters, one per class. Prepare on the main thread (Python
// frameworks install signal handlers there); run from any one thread at a time.
class Slot {
 public:
  // Throws Unsupported when the framework does not support a class's scenario.
  Slot(const RunSettings& settings, const std::vector<WorkClass>& classes);
  ~Slot();
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

  struct Result {
    legion::adapters::Outcome outcome;
    std::string error;  // "" when the run finished and its answer checked out
  };
  // Runs `job` as class `index`; a run that throws or answers wrong comes back with an error.
  Result run(std::size_t index, Job job);
  const std::string& version() const { return version_; }

 private:
  const std::vector<WorkClass>& classes_;
  JobContext context_;
  std::vector<std::unique_ptr<legion::adapters::Adapter>> adapters_;
  std::vector<legion::adapters::ScenarioInput> inputs_;
  std::string version_;
};

// Hands each calling thread a slot of its own, the first time it asks (a worker loop's
// threads have no index of their own to pick one by).
class SlotsByThread {
 public:
  explicit SlotsByThread(std::vector<std::unique_ptr<Slot>>& slots) : slots_(slots) {}
  Slot& mine();  // throws legion::Error when more threads ask than there are slots

 private:
  std::vector<std::unique_ptr<Slot>>& slots_;
  std::mutex mutex_;
  std::vector<std::pair<std::thread::id, Slot*>> taken_;
};

// An integer tool argument, whether the framework sent it as a number or as text.
std::int64_t json_integer(const Json& value);

// A scenario with one agent, its tools, and one task.
legion::adapters::Scenario single_agent(const std::string& id, const std::string& agent,
                                        std::vector<std::string> tools, std::string task);

// A tool with string/number properties named in `properties` ("order_id:string").
legion::Tool make_tool(const std::string& name, const std::string& description,
                       const std::vector<std::string>& properties, legion::ToolFunction function);

}  // namespace industry
