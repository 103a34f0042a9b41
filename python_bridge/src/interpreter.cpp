#include "python_bridge/interpreter.hpp"

#include <Python.h>
#include <pybind11/embed.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <mutex>

#include "legion/error.hpp"
#include "python_bridge/python_error.hpp"

namespace py = pybind11;

namespace legion::python {

// Defined next to PYBIND11_EMBEDDED_MODULE(legion_bridge): calling it keeps that object file
// (and so the module's registration, a static initializer) in every program that starts
// the interpreter, even one that never touches the module's other functions.
void link_bridge_module();

namespace {

std::filesystem::path default_venv() {
  if (const char* env = std::getenv("LEGION_VENV"); env != nullptr && *env != '\0') return env;
  return std::filesystem::path(LEGION_SOURCE_DIR) / ".venv";
}

// scripts/setup's naming: .venv-NAME holds requirements-NAME.txt, any other requirements.txt.
std::string requirements_of(const std::filesystem::path& venv) {
  const std::string name = venv.filename().string();
  const std::string prefix = ".venv-";
  if (name.rfind(prefix, 0) == 0 && name.size() > prefix.size())
    return "requirements-" + name.substr(prefix.size()) + ".txt";
  return "requirements.txt";
}

// The virtualenv must come from the CPython we link: a 3.12 venv's site-packages would hold
// extension modules built for another ABI.
void check_venv(const std::filesystem::path& venv) {
  const std::string fix = "run scripts/setup to create it";
  std::error_code error;
  if (!std::filesystem::exists(venv / "bin" / "python", error)) {
    if (error) {
      throw ConfigError("Python virtualenv " + venv.string() + " cannot be accessed (" +
                        error.message() + ")");
    }
    throw ConfigError("Python virtualenv " + venv.string() + " not found: " + fix);
  }
  std::ifstream cfg(venv / "pyvenv.cfg");
  std::string line;
  const std::string want =
      std::to_string(PY_MAJOR_VERSION) + "." + std::to_string(PY_MINOR_VERSION);
  while (std::getline(cfg, line)) {
    if (line.rfind("version", 0) != 0) continue;
    const std::size_t eq = line.find('=');
    std::string version = eq == std::string::npos ? "" : line.substr(eq + 1);
    version.erase(0, version.find_first_not_of(' '));
    if (version.rfind(want + ".", 0) == 0 || version == want) return;
    throw ConfigError("Python virtualenv " + venv.string() + " is Python " + version +
                      ", but LEGION Bench embeds CPython " + want +
                      ": remove it and run scripts/setup");
  }
  throw ConfigError("Python virtualenv " + venv.string() + " has no version in pyvenv.cfg: " + fix);
}

// Owns the interpreter for the life of the process; finalizes it at exit on the thread that
// destroys statics (the main thread, after main returns), which first takes the GIL back.
struct Embedded {
  PyThreadState* main_state = nullptr;
  InterpreterStart report;
  std::filesystem::path venv;

  ~Embedded() {
    if (main_state == nullptr) return;
    PyEval_RestoreThread(main_state);
    py::finalize_interpreter();
  }
};

std::mutex start_mutex;
std::unique_ptr<Embedded> embedded;

void add_paths(const std::vector<std::filesystem::path>& paths) {
  py::gil_scoped_acquire gil;
  py::list sys_path = py::module_::import("sys").attr("path");
  for (auto it = paths.rbegin(); it != paths.rend(); ++it) {
    const py::str entry(it->string());
    if (!sys_path.contains(entry)) sys_path.attr("insert")(0, entry);
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> offline_environment() {
  return {
      // LangChain / LangSmith: no tracing, no hub downloads.
      {"LANGSMITH_TRACING", "false"},
      {"LANGCHAIN_TRACING_V2", "false"},
      {"LANGSMITH_TRACING_V2", "false"},
      // CrewAI: telemetry, tracing prompt, version check and tracking off.
      {"CREWAI_DISABLE_TELEMETRY", "true"},
      {"CREWAI_DISABLE_TRACKING", "true"},
      {"CREWAI_TRACING_ENABLED", "false"},
      {"CREWAI_DISABLE_VERSION_CHECK", "true"},
      {"OTEL_SDK_DISABLED", "true"},
      // AutoGen.
      {"AUTOGEN_DISABLE_RUNTIME_TRACING", "true"},
      // Microsoft Agent Framework: no OpenTelemetry spans or metrics (on by default), no
      // user-agent telemetry header.
      {"ENABLE_INSTRUMENTATION", "false"},
      {"ENABLE_SENSITIVE_DATA", "false"},
      {"AGENT_FRAMEWORK_USER_AGENT_DISABLED", "true"},
      // Everything built on Hugging Face or Chroma.
      {"HF_HUB_OFFLINE", "1"},
      {"TRANSFORMERS_OFFLINE", "1"},
      {"HF_HUB_DISABLE_TELEMETRY", "1"},
      {"ANONYMIZED_TELEMETRY", "False"},
      {"DO_NOT_TRACK", "1"},
      {"TOKENIZERS_PARALLELISM", "false"},
      // python-dotenv (CrewAI calls load_dotenv() at import; embedded, it reads the cwd's .env).
      {"PYTHON_DOTENV_DISABLED", "1"},
      // OpenAI Agents SDK: no trace export (the adapter also calls set_tracing_disabled).
      {"OPENAI_AGENTS_DISABLE_TRACING", "1"},
  };
}

const InterpreterStart& start_interpreter(const InterpreterOptions& options) {
  std::lock_guard lock(start_mutex);
  const std::filesystem::path venv = options.venv.empty() ? default_venv() : options.venv;
  if (embedded) {
    // Packages of another virtualenv may need other versions of what is already imported.
    if (venv != embedded->venv) {
      throw ConfigError("the embedded Python runs the virtualenv " + embedded->venv.string() +
                        ", not " + venv.string() + ": run each framework in its own process");
    }
    add_paths(options.paths);
    return embedded->report;
  }
  auto state = std::make_unique<Embedded>();
  state->venv = venv;
  check_venv(state->venv);

  for (const auto& [name, value] : offline_environment()) setenv(name.c_str(), value.c_str(), 1);
  // A key in the environment would let a framework reach its hosted service.
  for (const char* key : {"LANGSMITH_API_KEY", "LANGCHAIN_API_KEY", "OPENAI_API_KEY"})
    unsetenv(key);

  const auto start = std::chrono::steady_clock::now();
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  // Telling CPython the virtualenv's python is the executable makes site.py find pyvenv.cfg:
  // sys.prefix is the virtualenv, its site-packages are on sys.path, sys.executable is a
  // real Python (code-execution tools spawn it).
  const std::string executable = (state->venv / "bin" / "python").string();
  PyStatus status = PyConfig_SetBytesString(&config, &config.executable, executable.c_str());
  if (PyStatus_Exception(status)) {
    PyConfig_Clear(&config);
    throw ConfigError("cannot configure the embedded Python: " +
                      std::string(status.err_msg ? status.err_msg : "unknown error"));
  }
  // Ctrl-C stays with the C++ program; frameworks may still call signal.signal themselves.
  config.install_signal_handlers = 0;
  config.parse_argv = 0;
  try {
    py::initialize_interpreter(&config, 0, nullptr, false);
  } catch (const std::exception& error) {
    throw ConfigError(std::string("cannot start the embedded Python: ") + error.what());
  }
  link_bridge_module();
  try {
    py::module_::import("legion_bridge");  // registered in bridge_module.cpp
  } catch (py::error_already_set&) {
    rethrow_python_error();
  }
  state->report.duration = std::chrono::steady_clock::now() - start;
  state->main_state = PyEval_SaveThread();
  embedded = std::move(state);
  add_paths(options.paths);
  return embedded->report;
}

bool interpreter_running() {
  std::lock_guard lock(start_mutex);
  return embedded != nullptr;
}

const std::filesystem::path& interpreter_venv() {
  std::lock_guard lock(start_mutex);
  if (!embedded) throw Error("the embedded Python is not running");
  return embedded->venv;
}

std::chrono::nanoseconds import_module(const std::string& module) {
  py::gil_scoped_acquire gil;
  const auto start = std::chrono::steady_clock::now();
  try {
    py::module_::import(module.c_str());
  } catch (py::error_already_set& error) {
    if (error.matches(PyExc_ModuleNotFoundError)) {
      const std::string missing = py::str(error.value().attr("name")).cast<std::string>();
      throw MissingPackage("Python package '" + missing + "'" +
                           (missing == module ? "" : " (needed by '" + module + "')") +
                           " is not installed in " + embedded->venv.string() +
                           ": run scripts/setup (pip install -r " +
                           requirements_of(embedded->venv) + ")");
    }
    rethrow_python_error();
  }
  return std::chrono::steady_clock::now() - start;
}

}  // namespace legion::python
