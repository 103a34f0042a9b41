#include "python_bridge/heap.hpp"

#include <pybind11/embed.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "python_bridge/python_error.hpp"

// Exported by libpython 3.11 but declared only in its internal headers (pycore_pymem.h).
// NOLINTNEXTLINE(bugprone-reserved-identifier): CPython's name, not ours.
extern "C" int _PyObject_DebugMallocStats(FILE* out);

namespace legion::python {

std::uint64_t pymalloc_allocated_bytes() {
  pybind11::gil_scoped_acquire gil;
  try {
    pybind11::module_::import("gc").attr("collect")();
  } catch (pybind11::error_already_set&) {
    rethrow_python_error();
  }
  // CPython exports no getter for the figure: _PyObject_DebugMallocStats (what
  // sys._debugmallocstats prints) is the one place it is summed. Read its report.
  char* text = nullptr;
  std::size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  if (out == nullptr) return 0;
  const int used = _PyObject_DebugMallocStats(out);
  std::fclose(out);
  const std::string report(text, size);
  std::free(text);
  if (!used) return 0;
  constexpr std::string_view kKey = "# bytes in allocated blocks";
  const auto at = report.find(kKey);
  if (at == std::string::npos) return 0;
  std::uint64_t bytes = 0;
  for (std::size_t i = report.find('=', at); i != std::string::npos && i < report.size(); ++i) {
    const char c = report[i];
    if (c == '\n') break;
    if (c >= '0' && c <= '9') bytes = bytes * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return bytes;
}

}  // namespace legion::python
