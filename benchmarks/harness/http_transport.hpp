#pragma once
// legion-bench's HTTP transport (docs/harness.md, "Transports"): legion-simserver as a child
// process on a free loopback port, and the adapter decorator that takes each run's model
// figures from the server's counter block. A child process, not a thread: its CPU time is not
// the framework's, so the process CPU a run reports stays the framework's own (the server's is
// reported beside it as server_cpu_ns), and the framework pays a real loopback round trip
// into another process, as against any model server.
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>

#include "adapter.hpp"
#include "simserver/shared_counters.hpp"

namespace legion::harness {

// The harness is built on the adapter layer: its vocabulary (Adapter, Scenario, Outcome...).
using namespace legion::adapters;

struct SimServerOptions {
  std::filesystem::path binary;  // legion-simserver
  std::uint64_t seed = 42;
  std::string latency = "none";  // a latency spec
  std::string upstream;          // forward to this server instead of simulating (--endpoint)
};

class SimServerProcess {
 public:
  // Starts the server and waits (up to 10 s) for its port; throws ConfigError naming the
  // problem (binary missing, the server refused its options, no port line).
  explicit SimServerProcess(const SimServerOptions& options);
  ~SimServerProcess();  // SIGTERM, then waits for it
  SimServerProcess(const SimServerProcess&) = delete;
  SimServerProcess& operator=(const SimServerProcess&) = delete;

  const std::string& base_url() const { return base_url_; }
  const simserver::CounterBlock& counters() const { return *counters_.block; }

 private:
  simserver::SharedCounters counters_;
  pid_t pid_ = -1;
  std::string base_url_;
};

// legion-simserver beside the running executable (/proc/self/exe's directory).
std::filesystem::path sibling_executable(const std::string& name);

// `inner`, with each run's model_calls, prompt_tokens, completion_tokens and model_time taken
// from the server's counters (the difference over the run) and server_cpu_ns added to its
// metrics. A run during which the server answered a request with an error fails (the
// in-process model would have thrown).
std::unique_ptr<Adapter> metered(std::unique_ptr<Adapter> inner,
                                 const simserver::CounterBlock& counters);

}  // namespace legion::harness
