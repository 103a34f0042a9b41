// The embedded interpreter: the project's virtualenv, the offline environment before any
// import, the GIL released between calls, Python errors as C++ exceptions.
#include "python_bridge/interpreter.hpp"

#include <Python.h>
#include <gtest/gtest.h>
#include <pybind11/embed.h>

#include "python_bridge/python_error.hpp"

namespace py = pybind11;

namespace legion::python {
namespace {

class Interpreter : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { start_interpreter(); }
};

TEST_F(Interpreter, RunsTheVirtualenvOfThisCheckout) {
  py::gil_scoped_acquire gil;
  py::module_ sys = py::module_::import("sys");
  const std::string venv = std::string(LEGION_SOURCE_DIR) + "/.venv";
  EXPECT_EQ(std::filesystem::canonical(sys.attr("prefix").cast<std::string>()),
            std::filesystem::canonical(venv));
  EXPECT_EQ(sys.attr("executable").cast<std::string>(), venv + "/bin/python");
  EXPECT_EQ(sys.attr("version_info").attr("minor").cast<int>(), 11);
  // The requirements are importable: site-packages of the virtualenv is on sys.path.
  EXPECT_NO_THROW(py::module_::import("pydantic"));
}

TEST_F(Interpreter, OfflineSwitchesAreSetBeforeAnyImport) {
  py::gil_scoped_acquire gil;
  py::object environ = py::module_::import("os").attr("environ");
  for (const auto& [name, value] : offline_environment()) {
    EXPECT_EQ(environ.attr("get")(name).cast<std::string>(), value) << name;
  }
  EXPECT_TRUE(environ.attr("get")("LANGSMITH_API_KEY").is_none());
}

TEST_F(Interpreter, ReturnsWithTheGilReleased) {
  EXPECT_FALSE(PyGILState_Check());
  {
    py::gil_scoped_acquire gil;
    EXPECT_TRUE(PyGILState_Check());
  }
  // Another thread can take it: nothing holds it while C++ runs.
  bool ran = false;
  std::thread([&] {
    py::gil_scoped_acquire gil;
    ran = py::eval("1 + 1").cast<int>() == 2;
  }).join();
  EXPECT_TRUE(ran);
}

TEST_F(Interpreter, StartIsIdempotentAndAddsPaths) {
  const auto first = start_interpreter().duration;
  EXPECT_EQ(start_interpreter({{}, {"/tmp/legion-extra-path"}}).duration, first);
  py::gil_scoped_acquire gil;
  py::list path = py::module_::import("sys").attr("path");
  EXPECT_EQ(path[0].cast<std::string>(), "/tmp/legion-extra-path");
}

TEST_F(Interpreter, AMissingPackageSaysHowToInstallIt) {
  try {
    import_module("legion_no_such_package");
    FAIL() << "no exception";
  } catch (const MissingPackage& error) {
    const std::string what = error.what();
    EXPECT_NE(what.find("Python package 'legion_no_such_package' is not installed"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("run scripts/setup"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
  }
}

TEST_F(Interpreter, PythonErrorsCarryTheirTraceback) {
  py::gil_scoped_acquire gil;
  try {
    try {
      py::exec(R"(
def inner():
    raise ValueError("bad value\nsecond line")
def outer():
    inner()
outer()
)");
      FAIL() << "no exception";
    } catch (py::error_already_set&) {
      rethrow_python_error();
    }
  } catch (const PythonError& error) {
    const std::string what = error.what();
    EXPECT_EQ(error.type(), "ValueError");
    EXPECT_EQ(what.rfind("ValueError: bad value second line", 0), 0u) << what;
    EXPECT_NE(what.find("in inner)"), std::string::npos) << what;
    EXPECT_NE(error.traceback().find("in outer"), std::string::npos) << error.traceback();
    EXPECT_NE(error.traceback().find("Traceback"), std::string::npos);
  }
}

}  // namespace
}  // namespace legion::python
