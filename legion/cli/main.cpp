// legion: the command line of the LEGION runtime. A thin main: the commands live in
// store_commands.cpp (worker, submit, status, verify, export), tasks_commands.cpp (tasks) and
// run_command.cpp (run); workflow_task.cpp gives the store commands the workflow runtime.
#include <iostream>

#include "run_command.hpp"
#include "store_commands.hpp"
#include "workflow_task.hpp"

int main(int argc, char** argv) {
  CLI::App app(
      "legion: a native C++ multi-agent runtime with a durable task store\n"
      "  legion run WORKFLOW.json                        run a workflow spec\n"
      "  legion submit --workflow SPEC --inputs FILE     queue a task per input (idempotent keys)\n"
      "  legion worker --store URL --concurrency N       run the queued tasks\n"
      "  legion status [--watch] | verify | export       inspect the store\n"
      "  legion tasks list|retry|cancel|audit            operate on tasks (audited)");
  app.require_subcommand(1);
  legion::cli::CliIo io{std::cout, std::cerr};
  legion::cli::CliState state;
  legion::cli::add_run_command(app, io);
  legion::cli::add_store_commands(app, io, state, legion::cli::workflow_hooks());
  return legion::cli::run_cli(app, argc, argv, io, state);
}
