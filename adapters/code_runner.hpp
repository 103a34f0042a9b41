#pragma once
// Runs the code a model emitted: extracts the first fenced block (```LANG ... ```) of a
// reply and runs it in the runtime's Sandbox (docs/sandbox.md); the text to feed back to the
// model is the trimmed stdout, or an error line when the code failed. Python comes from the
// project's virtualenv ($LEGION_VENV, else <source>/.venv) when it exists, else python3 from
// PATH: interpreter() says which.
//
// Where the host offers no isolation the sandbox refuses to run code, unless the environment
// variable LEGION_ALLOW_UNSANDBOXED_CODE=1 allows it; code_sandbox_description() says which
// case holds, for the results' context.
#include <optional>
#include <string>

#include "adapter.hpp"
#include "legion/sandbox.hpp"

namespace legion::adapters {

std::optional<std::string> extract_fenced_code(const std::string& reply);

class CodeRunner {
 public:
  CodeRunner();  // throws ConfigError when no Python is found
  // Throws Error when the reply holds no fenced block or the sandbox cannot start, and
  // SandboxUnavailableError when it refuses to run code unsandboxed.
  std::string feedback_for(const std::string& reply) const;
  const std::string& interpreter() const { return sandbox_.interpreter_path(); }

 private:
  Sandbox sandbox_;
};

// Whether LEGION_ALLOW_UNSANDBOXED_CODE=1 is set.
bool unsandboxed_code_allowed();

// Unsupported (with the reason and the opt-in) where the sandbox would refuse to run code.
Support code_execution_support();

// The isolation the sandbox gives code here, in words, including whether it runs only
// because of the opt-in.
std::string code_sandbox_description();

// The interpreter the sandbox uses: the virtualenv's bin/python, else python3 from PATH
// resolved to the real executable (launchers such as pyenv shims skipped); cached. Throws
// ConfigError when the virtualenv's python exists but cannot be accessed.
std::string default_python();

}  // namespace legion::adapters
