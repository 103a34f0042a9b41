#pragma once
// legion-bench's own flags, parsed before Google Benchmark sees the command line:
//   --framework=NAME (required)  --seed=N (42)  --model-latency=SPEC (none)
//   --scenario=REGEX (search in the scenario id)  --scenarios-dir=DIR  --list  --smoke
//   --list-frameworks (the installed adapters, one per line; needs no --framework)
//   --transport=inproc|http (inproc)  --endpoint=URL --model=NAME [--api-key-env=VAR]
//   (--endpoint: a real OpenAI-compatible server; implies http; --model is then required)
//   --max-tokens=N --request-timeout=SECONDS (with --endpoint: each client's reply cap, and
//   its per-request timeout, 600)
//   --help, -h (this usage on stdout, exit 0; needs no --framework)
// Every --benchmark_* flag (and --v) passes through untouched; anything else is a usage
// error, reported in one line with exit status 2.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace legion::harness {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HarnessFlags {
  std::string framework;
  std::uint64_t seed = 42;
  std::string model_latency = "none";
  std::string scenario;  // empty: every scenario
  std::string scenarios_dir;
  bool list = false;
  bool list_frameworks = false;
  bool smoke = false;  // each parameter's first value only
  bool help = false;
  std::string transport = "inproc";       // inproc | http
  std::string endpoint;                   // a real server's base URL (http only)
  std::string model;                      // the model name sent to --endpoint
  std::string api_key_env;                // the variable holding --endpoint's key
  std::uint32_t max_tokens = 0;           // --endpoint: each client's reply cap; 0: none sent
  std::uint32_t request_timeout_s = 600;  // --endpoint: each client's per-request timeout
  std::vector<std::string> passthrough;   // argv[0] first, then the benchmark flags
};

HarnessFlags parse_flags(int argc, char** argv);  // throws UsageError

// What --help prints.
const char* usage_text();

}  // namespace legion::harness
