#pragma once
// A Python exception carried into C++: what() is one line (type, message and the innermost
// frame, so a benchmark's skip message says where it failed); traceback() is Python's full
// formatted traceback for logs.
#include <string>

#include "legion/error.hpp"

namespace legion::python {

class PythonError : public Error {
 public:
  PythonError(std::string type, const std::string& summary, std::string traceback);
  const std::string& type() const { return type_; }  // e.g. "ModuleNotFoundError"
  const std::string& traceback() const { return traceback_; }

 private:
  std::string type_;
  std::string traceback_;
};

// A framework package the virtualenv lacks: the message says how to install it.
class MissingPackage : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

// Converts the Python exception being handled (pybind11::error_already_set) into a
// PythonError and throws it; call from a catch block with the GIL held.
[[noreturn]] void rethrow_python_error();

}  // namespace legion::python
