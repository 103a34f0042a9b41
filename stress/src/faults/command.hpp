#pragma once
// Runs a system program (ip, ...) to completion and returns its status and output; used by the
// injectors that set up namespaces and links. No shell: arguments are passed as they are.
#include <string>
#include <vector>

namespace stress::faults {

struct CommandResult {
  int status = -1;     // exit status; -1: could not run
  std::string output;  // stdout and stderr
  bool ok() const { return status == 0; }
};

CommandResult run_command(const std::vector<std::string>& argv);
// `argv` joined for messages.
std::string command_text(const std::vector<std::string>& argv);
// Runs it and throws EnvironmentMissing naming the command and its output when it fails.
void require_command(const std::vector<std::string>& argv, const std::string& needs);

}  // namespace stress::faults
