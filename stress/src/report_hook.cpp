#include "stress/report_hook.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <ostream>
#include <vector>

extern char** environ;

namespace stress {

std::filesystem::path report_command() {
  if (const char* env = std::getenv("LEGION_REPORT"); env && *env) return env;
  return std::filesystem::path(LEGION_STRESS_SOURCE_DIR) / "scripts" / "report";
}

bool write_report(const std::filesystem::path& command, const std::filesystem::path& out_dir,
                  bool quiet, std::ostream& err) {
  if (::access(command.c_str(), X_OK) != 0) {
    err << "legion-stress: no report: " << command.string()
        << " is not there (a build without its source tree?); --no-report skips it\n";
    return false;
  }
  std::vector<std::string> args = {command.string(), out_dir.string()};
  if (quiet) args.emplace_back("--quiet");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  // Our buffered lines first, then the child's, in order.
  std::cout.flush();
  err.flush();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, command.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    err << "legion-stress: the report could not start: " << std::strerror(rc)
        << "; the verdicts stand\n";
    return false;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      err << "legion-stress: lost the report process: " << std::strerror(errno) << "\n";
      return false;
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  err << "legion-stress: the report failed ("
      << (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                            : "signal " + std::to_string(WTERMSIG(status)))
      << "); the verdicts above stand\n";
  return false;
}

}  // namespace stress
