#pragma once
// The embedded interpreter: the pyenv CPython 3.11 the project's virtualenv was made from,
// started once per process, with the virtualenv as sys.prefix (its site-packages on
// sys.path) and the offline environment set before anything is imported:
// telemetry and tracing off, no model-hub downloads (the list: offline_environment()).
//
// Threads: start() must run on the main thread (frameworks install signal handlers, which
// Python allows only there). It returns with the GIL released, so any thread - the
// benchmark's, an executor worker - takes it with pybind11::gil_scoped_acquire, and C++ code
// that waits (the simulated model's latency, a sandboxed process) runs without it. The
// interpreter is finalized at process exit.
#include <chrono>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace legion::python {

struct InterpreterOptions {
  // Empty: <source>/.venv, or $LEGION_VENV when set. A framework whose pins conflict with
  // requirements.txt has its own virtualenv, <source>/.venv-NAME with requirements-NAME.txt
  // (scripts/setup makes it; the missing-package error names that file).
  std::filesystem::path venv;
  // Prepended to sys.path: the adapters' Python packages.
  std::vector<std::filesystem::path> paths;
};

struct InterpreterStart {
  std::chrono::nanoseconds duration{0};  // Py_Initialize and the bridge module
};

// Starts the interpreter (idempotent: later calls add `paths` to sys.path and return the
// first start's report). Throws ConfigError when the virtualenv is missing or is not a
// CPython 3.11 one, with the command that makes it, and when the interpreter already runs
// another virtualenv than the one asked for (one virtualenv per process).
const InterpreterStart& start_interpreter(const InterpreterOptions& options = {});
bool interpreter_running();
const std::filesystem::path& interpreter_venv();

// The variables start_interpreter() sets before Py_Initialize (and so before any import).
std::vector<std::pair<std::string, std::string>> offline_environment();

// Imports `module` (GIL taken inside), timing it; a missing module throws MissingPackage
// naming the virtualenv and scripts/setup, other failures PythonError.
std::chrono::nanoseconds import_module(const std::string& module);

}  // namespace legion::python
