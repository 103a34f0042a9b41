#pragma once

// Runs a shell command for the end-to-end tests of the executables and scripts: its exit status
// and what it printed.

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace legion_test {

struct CommandResult {
  int status = -1;  // the exit status; -1 when it could not run or died by a signal
  std::string out;  // stdout (redirect stderr in the command to capture it too)
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) r.out += buf.data();
  const int raw = pclose(pipe);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace legion_test
