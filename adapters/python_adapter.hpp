#pragma once
// The adapter for a framework written in Python: the scenario is translated into the
// framework's idiom by a Python package under adapters/<framework>/, driven through the
// embedded interpreter (python_bridge/). The package's contract (docs/python-bridge.md):
//
//   support(spec) -> None | reason          build(spec, model, tools, memory) -> runner
//   (spec["endpoint"] set: an HTTP run; model is None and the package builds its framework's
//   own OpenAI client from the endpoint, legion_common/endpoint.py)
//   version() -> str                        runner.run() -> {"answer", "transcripts",
//                                                            "metrics"?: {name: number}}
//                                           runner.close()
//
// C++ keeps the books: model calls, tokens and model time come from the SimulatedModel's own
// counters (over HTTP, from the server's, which the harness reads), the output hash from the
// transcripts the runner returns (work_hash.hpp), tool calls from their tool messages. So a
// framework cannot under-report its work. The optional metrics are the framework's own figures
// (Outcome::metrics), reported, never validated. adapters/python_common (legion_common: rules every
// package shares) is on sys.path too.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "adapter.hpp"

namespace legion::adapters {

struct PythonFramework {
  std::string name;                  // as on the command line: "langchain"
  std::string package;               // the adapter package: "legion_langchain"
  std::filesystem::path directory;   // holds the package: adapters/langchain
  std::vector<std::string> modules;  // the framework's own, imported (and timed) first
};

// `venv` empty: the project's .venv. Else the framework's own virtualenv (its pins conflict
// with requirements.txt): .venv-NAME, made by scripts/setup from requirements-NAME.txt.
std::unique_ptr<Adapter> make_python_adapter(PythonFramework framework,
                                             std::filesystem::path venv = {});

}  // namespace legion::adapters
