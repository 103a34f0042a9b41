#include "code_runner.hpp"

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>

#include "legion/error.hpp"

namespace legion::adapters {
namespace {

SandboxOptions python_options() {
  SandboxOptions options;
  options.interpreter = default_python();
  options.args = {"-I", "-S"};  // no user site, no site import: isolated and faster to start
  options.limits.timeout = std::chrono::seconds(10);
  options.allow_unsandboxed = unsandboxed_code_allowed();
  return options;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

// A launcher such as a pyenv shim is a shell script that forks the real interpreter: ~150 ms
// per run that is no part of the work. Asking the interpreter once for sys.executable skips it.
std::string resolve_launcher(const std::string& python) {
  const std::string command = "'" + python + "' -c 'import sys; print(sys.executable)' 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::array<char, 512> buffer{};
  if (!pipe || !fgets(buffer.data(), buffer.size(), pipe.get())) return python;
  std::string path = buffer.data();
  while (!path.empty() && (path.back() == '\n' || path.back() == '\r')) path.pop_back();
  return find_executable(path).empty() ? python : path;
}

const SandboxSupport& support_here() {
  static const SandboxSupport support = sandbox_support();
  return support;
}

}  // namespace

bool unsandboxed_code_allowed() {
  const char* allowed = std::getenv("LEGION_ALLOW_UNSANDBOXED_CODE");
  return allowed != nullptr && std::strcmp(allowed, "1") == 0;
}

Support code_execution_support() {
  if (support_here().isolation || unsandboxed_code_allowed()) return {};
  return {false, "no sandbox for model-written code here (" + support_here().detail +
                     "); LEGION_ALLOW_UNSANDBOXED_CODE=1 runs it without isolation"};
}

std::string code_sandbox_description() {
  if (support_here().isolation) return support_here().detail;
  if (unsandboxed_code_allowed()) {
    return "none: code runs UNSANDBOXED (LEGION_ALLOW_UNSANDBOXED_CODE=1; environment scrubbed, "
           "process tree killed; " +
           support_here().detail + ")";
  }
  return "unavailable: " + support_here().detail + " (code-execution scenarios unsupported)";
}

std::string default_python() {
  static const std::string python = [] {
    const char* env = std::getenv("LEGION_VENV");
    const std::filesystem::path venv =
        std::filesystem::path(env != nullptr && *env != '\0' ? env : LEGION_SOURCE_DIR "/.venv") /
        "bin/python";
    struct stat st {};
    if (stat(venv.c_str(), &st) == 0) return venv.string();
    if (errno != ENOENT && errno != ENOTDIR) {
      throw ConfigError("the virtualenv's python " + venv.string() + " cannot be accessed (" +
                        std::strerror(errno) + ")");
    }
    const std::string found = find_executable("python3");
    return found.empty() ? std::string("python3") : resolve_launcher(found);
  }();
  return python;
}

std::optional<std::string> extract_fenced_code(const std::string& reply) {
  const auto open = reply.find("```");
  if (open == std::string::npos) return std::nullopt;
  const auto body = reply.find('\n', open);
  if (body == std::string::npos) return std::nullopt;
  const auto close = reply.find("```", body + 1);
  if (close == std::string::npos) return std::nullopt;
  return reply.substr(body + 1, close - body - 1);
}

CodeRunner::CodeRunner() : sandbox_(python_options()) {}

std::string CodeRunner::feedback_for(const std::string& reply) const {
  const std::optional<std::string> code = extract_fenced_code(reply);
  if (!code) throw Error("code execution: the reply holds no fenced code block");
  const SandboxResult result = sandbox_.run(*code);
  if (!result.ok()) {
    return "error: the code failed (" + result.describe() + "): " + trim(result.stderr_text);
  }
  return trim(result.stdout_text);
}

}  // namespace legion::adapters
