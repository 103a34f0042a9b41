#include "python_bridge/python_error.hpp"

#include <pybind11/pybind11.h>

namespace py = pybind11;

namespace legion::python {

PythonError::PythonError(std::string type, const std::string& summary, std::string traceback)
    : Error(summary), type_(std::move(type)), traceback_(std::move(traceback)) {}

void rethrow_python_error() {
  try {
    throw;
  } catch (py::error_already_set& error) {
    const std::string type = py::str(error.type().attr("__name__")).cast<std::string>();
    std::string message = py::str(error.value()).cast<std::string>();
    std::string traceback;
    std::string where;
    try {
      py::module_ tb = py::module_::import("traceback");
      // An exception raised from C++ has no traceback object: None, not a null handle.
      const py::object trace = error.trace() ? error.trace() : py::none();
      traceback = py::str("")
                      .attr("join")(tb.attr("format_exception")(error.type(), error.value(), trace))
                      .cast<std::string>();
      // The innermost frame is where the framework (or our adapter) actually failed.
      py::list frames = tb.attr("extract_tb")(trace);
      if (!frames.empty()) {
        py::object last = frames[frames.size() - 1];
        where = " (at " + py::str(last.attr("filename")).cast<std::string>() + ":" +
                py::str(last.attr("lineno")).cast<std::string>() + " in " +
                py::str(last.attr("name")).cast<std::string>() + ")";
      }
    } catch (const py::error_already_set&) {
      traceback = type + ": " + message;  // formatting itself failed: keep what we have
    }
    for (char& c : message) {
      if (c == '\n') c = ' ';
    }
    throw PythonError(type, type + ": " + message + where, traceback);
  }
}

}  // namespace legion::python
