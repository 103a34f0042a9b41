#include "flags.hpp"

#include <charconv>

namespace legion::harness {
namespace {

bool take(const std::string& arg, const std::string& flag, std::string& value) {
  if (arg.rfind(flag + "=", 0) != 0) return false;
  value = arg.substr(flag.size() + 1);
  if (value.empty()) throw UsageError(flag + " needs a value");
  return true;
}

// A positive integer flag's value that fits in 32 bits.
std::uint32_t positive(const std::string& flag, const std::string& value) {
  std::uint32_t out = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (error != std::errc() || end != value.data() + value.size() || out == 0) {
    throw UsageError(flag + ": '" + value + "' is not a positive integer (below 2^32)");
  }
  return out;
}

bool has_flag(int argc, char** argv, const std::string& flag) {
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]).rfind(flag + "=", 0) == 0) return true;
  }
  return false;
}

}  // namespace

const char* usage_text() {
  return "usage: legion-bench --framework=NAME [--seed=N] [--model-latency=SPEC] "
         "[--scenario=REGEX]\n"
         "                    [--scenarios-dir=DIR] [--transport=inproc|http]\n"
         "                    [--endpoint=URL --model=NAME [--api-key-env=VAR]\n"
         "                     [--max-tokens=N] [--request-timeout=SECONDS]]\n"
         "                    [--list] [--smoke] [--benchmark_*...]\n"
         "       legion-bench --list-frameworks | --help\n"
         "Runs the scenarios on one framework with Google Benchmark (docs/harness.md).\n"
         "  --framework=NAME     legion, direct, langchain, crewai or autogen (required)\n"
         "  --seed=N             seed of the scenario inputs and the simulated model (42)\n"
         "  --model-latency=SPEC the simulated model's latency: none, fixed:2ms, ... (none)\n"
         "  --scenario=REGEX     only scenarios whose id matches\n"
         "  --scenarios-dir=DIR  the scenario specs (default: benchmarks/scenarios)\n"
         "  --transport=T        inproc (the simulated model in the process) or http (the\n"
         "                       harness starts legion-simserver; each framework uses its own\n"
         "                       OpenAI client) (inproc)\n"
         "  --endpoint=URL       a real OpenAI-compatible server (http:// only; implies http)\n"
         "  --model=NAME         the model name sent to --endpoint (required with it)\n"
         "  --api-key-env=VAR    the environment variable holding --endpoint's API key\n"
         "  --max-tokens=N       with --endpoint: the longest reply every framework's client\n"
         "                       asks for (its own max_tokens parameter) (none sent)\n"
         "  --request-timeout=S  with --endpoint: each client's per-request timeout (600)\n"
         "  --list               list the benchmark names and exit\n"
         "  --smoke              each parameter's first value only\n"
         "  --list-frameworks    list the installed adapters and exit\n"
         "  --benchmark_*        passed to Google Benchmark (--benchmark_out=FILE, ...)\n"
         "Environment: LEGION_VENV (the Python virtualenv), LEGION_ALLOW_UNSANDBOXED_CODE=1 (run\n"
         "model-written code where no sandbox is available; docs/sandbox.md).\n"
         "Exit status: 0 ok, 1 a supported benchmark failed validation, 2 bad input.\n";
}

HarnessFlags parse_flags(int argc, char** argv) {
  HarnessFlags flags;
  flags.passthrough.emplace_back(argc > 0 ? argv[0] : "legion-bench");
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    std::string value;
    if (take(arg, "--framework", flags.framework) ||
        take(arg, "--model-latency", flags.model_latency) ||
        take(arg, "--scenario", flags.scenario) ||
        take(arg, "--scenarios-dir", flags.scenarios_dir) ||
        take(arg, "--transport", flags.transport) || take(arg, "--endpoint", flags.endpoint) ||
        take(arg, "--model", flags.model) || take(arg, "--api-key-env", flags.api_key_env)) {
      continue;
    }
    if (take(arg, "--max-tokens", value)) {
      flags.max_tokens = positive("--max-tokens", value);
    } else if (take(arg, "--request-timeout", value)) {
      flags.request_timeout_s = positive("--request-timeout", value);
    } else if (take(arg, "--seed", value)) {
      const auto [end, error] =
          std::from_chars(value.data(), value.data() + value.size(), flags.seed);
      if (error != std::errc() || end != value.data() + value.size()) {
        throw UsageError("--seed: '" + value + "' is not a non-negative integer");
      }
    } else if (arg == "--help" || arg == "-h") {
      flags.help = true;
    } else if (arg == "--list") {
      flags.list = true;
    } else if (arg == "--list-frameworks") {
      flags.list_frameworks = true;
    } else if (arg == "--smoke") {
      flags.smoke = true;
    } else if (arg.rfind("--benchmark_", 0) == 0 || arg.rfind("--v=", 0) == 0) {
      flags.passthrough.push_back(arg);
    } else {
      throw UsageError("unknown argument '" + arg +
                       "' (legion-bench flags: --framework= --seed= --model-latency= --scenario= "
                       "--scenarios-dir= --transport= --endpoint= --model= --api-key-env= "
                       "--max-tokens= --request-timeout= --list "
                       "--list-frameworks --smoke --help, plus --benchmark_*)");
    }
  }
  if (flags.framework.empty() && !flags.list_frameworks && !flags.help) {
    throw UsageError("--framework=NAME is required");
  }
  if (flags.transport != "inproc" && flags.transport != "http") {
    throw UsageError("--transport: '" + flags.transport + "' is not inproc or http");
  }
  if (!flags.endpoint.empty()) {
    if (flags.transport == "inproc" && has_flag(argc, argv, "--transport")) {
      throw UsageError("--endpoint needs --transport=http (or no --transport)");
    }
    flags.transport = "http";
    if (!flags.endpoint.starts_with("http://")) {
      throw UsageError("--endpoint: '" + flags.endpoint +
                       "' must be an http:// URL (the metering proxy speaks plain HTTP)");
    }
    if (flags.model.empty()) throw UsageError("--endpoint needs --model=NAME");
  } else if (!flags.model.empty() || !flags.api_key_env.empty() ||
             has_flag(argc, argv, "--max-tokens") || has_flag(argc, argv, "--request-timeout")) {
    throw UsageError(
        "--model, --api-key-env, --max-tokens and --request-timeout go with --endpoint=URL");
  }
  return flags;
}

}  // namespace legion::harness
