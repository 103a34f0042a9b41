#pragma once
// The `legion` store commands run in the test process (store_commands.hpp), with their exit
// code and what they printed: the store tests can then inject faults the process shares (the
// fault VFS) and need no executable.
#include <sstream>
#include <string>
#include <vector>

#include "store_commands.hpp"

namespace legion::cli::testing {

struct CliOutcome {
  int code;
  std::string out, err;
};

inline CliOutcome legion(std::vector<std::string> args) {
  args.insert(args.begin(), "legion");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  CLI::App app("legion");
  app.require_subcommand(1);
  CliState state;
  add_store_commands(app, {out, err}, state);
  const int code = run_cli(app, static_cast<int>(argv.size()), argv.data(), {out, err}, state);
  return {code, out.str(), err.str()};
}

}  // namespace legion::cli::testing
