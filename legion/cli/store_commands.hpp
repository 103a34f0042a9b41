#pragma once
// The `legion` subcommands over the durable store: worker, submit, status, verify, export,
// tasks. A library of their own (legion_cli_store) so they build and are tested without the
// runtime; cli/main.cpp adds them next to `legion run` and hands them the workflow runtime
// (WorkflowHooks).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "legion/store/worker.hpp"

namespace legion::cli {

struct CliIo {
  std::ostream& out;
  std::ostream& err;
};

// What a command callback leaves for main(): the process exit code.
struct CliState {
  int exit_code = 0;
};

// Called for every model call a task's workflow made: its latency and tokens.
using ModelCallSink =
    std::function<void(std::chrono::nanoseconds duration, std::uint64_t prompt_tokens,
                       std::uint64_t completion_tokens)>;
// Makes one worker thread's task handler; `store` is that thread's connection (workflow
// checkpoints go through it).
using HandlerFactory =
    std::function<store::TaskHandler(store::TaskStore& store, const ModelCallSink& model_calls)>;

// What the store commands take from the workflow runtime. Empty (the store-only tests):
// `submit --workflow` and a `worker` without --test-handler say the runtime is not there.
struct WorkflowHooks {
  // The payload of a task that runs `spec` on `input` (one line of --inputs); throws
  // ConfigError naming the problem (a malformed spec, an input the pattern cannot take).
  std::function<std::string(const nlohmann::json& spec, const nlohmann::json& input)> task_payload;
  // The handler `legion worker` runs tasks with: each task's payload names its workflow.
  HandlerFactory handler;
};

void add_store_commands(CLI::App& app, CliIo io, CliState& state, WorkflowHooks hooks = {});

// Parses and runs. Exit codes: 0 ok, 1 the command failed (a store error, verify found
// lost/unexpected/duplicated tasks), 2 bad usage or a malformed spec, reported on one line
// that names the flag or the file and line.
int run_cli(CLI::App& app, int argc, const char* const* argv, CliIo io, CliState& state);

}  // namespace legion::cli
